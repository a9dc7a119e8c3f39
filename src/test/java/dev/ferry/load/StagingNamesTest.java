package dev.ferry.load;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The names of mode exchange's staging tables: readable by an operator, within PostgreSQL's 63 characters, found again by the next run. */
class StagingNamesTest {

    @Test
    void aStagingTableIsNamedForItsFlowDateExecutionAndTable() {
        assertThat(PartitionExchange.stagingName("rds-to-adb", "20240314", 42, "a1b2")).isEqualTo("ferry_stage_rds_to_adb_20240314_42_a1b2");
        assertThat(PartitionExchange.retiredName("ferry_stage_rds_to_adb_20240314_42_a1b2")).isEqualTo("ferry_stage_rds_to_adb_20240314_42_a1b2_old");
    }

    @Test
    void aLongFlowNameIsCutTheSameWayForEveryExecutionSoTheNextRunFindsWhatADeadOneLeft() {
        String flow = "warehouse-nightly-orders-and-order-items-for-the-eastern-region";
        String prefix = PartitionExchange.leftoverPrefix(flow, "20240314");
        for (long execution : new long[] {7, 123_456_789_012L}) {
            String retired = PartitionExchange.retiredName(PartitionExchange.stagingName(flow, "20240314", execution, "ffff"));
            assertThat(retired).startsWith(prefix).hasSizeLessThanOrEqualTo(63);
        }
        assertThat(PartitionExchange.leftoverPrefix(flow.replace("eastern", "western"), "20240314"))
                .as("two long names alike but for their ends").isNotEqualTo(prefix);
    }
}
