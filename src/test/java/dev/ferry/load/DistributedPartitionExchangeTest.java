package dev.ferry.load;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * mode exchange's staging table on Greenplum 7, Cloudberry and AnalyticDB 7, which do not run on this machine; the swap
 * itself is PostgreSQL's DETACH and ATTACH, run here ({@code ExchangeTest}). From the vendors' own references:
 * <ul>
 *   <li>VMware Greenplum 7, CREATE TABLE (docs.vmware.com/en/VMware-Greenplum/7/greenplum-database/ref_guide-sql_commands-CREATE_TABLE.html):
 *   "LIKE &lt;source_table&gt; [ &lt;like_option&gt; ... ]", "[ USING &lt;access_method&gt; ] [ WITH ( &lt;storage_parameter&gt;
 *   [=&lt;value&gt;] [, ... ] ) ] ... [ DISTRIBUTED BY ( &lt;column&gt; [&lt;opclass&gt;] [, ... ] ) | DISTRIBUTED RANDOMLY |
 *   DISTRIBUTED REPLICATED ]".</li>
 *   <li>VMware Greenplum 7, ALTER TABLE (.../ref_guide-sql_commands-ALTER_TABLE.html): "ATTACH PARTITION &lt;partition_name&gt;
 *   { FOR VALUES &lt;partition_bound_spec&gt; | DEFAULT }", "DETACH PARTITION &lt;partition_name&gt;"; and
 *   (.../admin_guide-ddl-about-part-changes.html) "Version 7 also introduces support for the PostgreSQL declarative
 *   partitioning syntax", "Less restrictive locking in ATTACH PARTITION".</li>
 *   <li>Greenplum 6.0 release notes: "A backend function pg_get_table_distributedby() was added to get the distribution
 *   policy for a table as a string" ({@code DISTRIBUTED BY (id)}, {@code DISTRIBUTED RANDOMLY}, {@code DISTRIBUTED
 *   REPLICATED}), which the staging table is given as it is printed, since ATTACH takes only a table distributed as its
 *   parent and a {@code LIKE} without it may fall back to the server's default distribution
 *   ({@code gp_create_table_random_default_distribution}).</li>
 * </ul>
 */
class DistributedPartitionExchangeTest {

    private static final String STAGING = "\"public\".ferry_stage_sales_20240102_7";

    @Test
    void onGreenplum7TheStagingTableHasThePartitionsAccessMethodOptionsAndDistribution() {
        PartitionExchange.Storage aoColumn = new PartitionExchange.Storage("ao_column",
                "appendoptimized=true, orientation=column, compresstype=zstd, compresslevel=5", "DISTRIBUTED BY (order_id)");

        assertThat(PartitionExchange.createStaging(STAGING, "\"public\".\"sales_1_prt_20240102\"", aoColumn))
                .isEqualTo("CREATE TABLE \"public\".ferry_stage_sales_20240102_7 (LIKE \"public\".\"sales_1_prt_20240102\" INCLUDING ALL"
                        + " EXCLUDING INDEXES) USING ao_column WITH (compresstype=zstd, compresslevel=5) DISTRIBUTED BY (order_id)");
        assertThat(PartitionExchange.createStaging(STAGING, "p", new PartitionExchange.Storage("heap", "", "DISTRIBUTED REPLICATED")))
                .endsWith("EXCLUDING INDEXES) USING heap DISTRIBUTED REPLICATED");
    }

    @Test
    void onPostgresqlTheStagingTableHasThePartitionsAccessMethodAndOptionsAndNoDistribution() {
        assertThat(PartitionExchange.createStaging(STAGING, "p", new PartitionExchange.Storage("heap", "fillfactor=70", "")))
                .isEqualTo("CREATE TABLE \"public\".ferry_stage_sales_20240102_7 (LIKE p INCLUDING ALL EXCLUDING INDEXES) USING heap"
                        + " WITH (fillfactor=70)");
    }
}
