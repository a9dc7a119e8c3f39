package dev.ferry.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.db.DatabaseSettings;
import dev.ferry.store.StoreSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.eclipse.microprofile.config.Config;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where a setting comes from: system property > environment > --config > ./ferry.properties > default. */
class StandaloneConfigTest {

    @TempDir
    Path dir;

    @Test
    void withNothingConfiguredTheDemoDefaultsApplyOnTheEmbeddedServer() {
        Config config = StandaloneConfig.load(Optional.empty(), dir);

        assertThat(StoreSettings.from(config).url()).isEqualTo("file:./ferry-data/store");
        assertThat(DatabaseSettings.from(config, "source").orElseThrow().url()).isEqualTo("jdbc:postgresql://127.0.0.1:54329/ferry_demo_src");
        assertThat(DatabaseSettings.repository(config).url()).isEqualTo("jdbc:postgresql://127.0.0.1:54329/ferry");
        assertThat(DatabaseSettings.from(config, "crm")).isEmpty();
        assertThat(EmbeddedServer.usedBy(config)).isPresent();
    }

    @Test
    void aConfiguredServerIsUsedAsItIsAndNothingIsEmbedded() throws Exception {
        Path file = Files.writeString(dir.resolve("server.properties"), "ferry.repository.url=jdbc:postgresql://db.example:5432/ferry\n");
        Config config = StandaloneConfig.load(Optional.of(file), dir);

        assertThat(EmbeddedServer.usedBy(config)).isEmpty();
        assertThat(DatabaseSettings.repository(config).url()).isEqualTo("jdbc:postgresql://db.example:5432/ferry");
        assertThat(DatabaseSettings.from(config, "source").orElseThrow().url()).isEqualTo("jdbc:postgresql://127.0.0.1:5432/ferry_demo_src");
    }

    @Test
    void theConfigFileWinsOverFerryPropertiesInTheWorkingDirectoryAndSystemPropertiesWinOverBoth() throws IOException {
        Files.writeString(dir.resolve("ferry.properties"), "ferry.store.url=file:/local\nferry.timezone=Asia/Shanghai\n");
        Path file = Files.writeString(dir.resolve("prod.properties"), "ferry.store.url=file:/from-config-file\n");

        Config config = StandaloneConfig.load(Optional.of(file), dir);
        assertThat(StoreSettings.from(config).url()).isEqualTo("file:/from-config-file");
        assertThat(StandaloneConfig.timezone(config).getId()).isEqualTo("Asia/Shanghai");

        System.setProperty("ferry.store.url", "file:/from-system-property");
        try {
            assertThat(StoreSettings.from(StandaloneConfig.load(Optional.of(file), dir)).url()).isEqualTo("file:/from-system-property");
        } finally {
            System.clearProperty("ferry.store.url");
        }
    }

    @Test
    void aMissingConfigFileOrABadZoneIsNamed() {
        assertThatThrownBy(() -> StandaloneConfig.load(Optional.of(dir.resolve("nope.properties")), dir))
                .hasMessageContaining("--config").hasMessageContaining("nope.properties");
        System.setProperty("ferry.timezone", "Mars/Olympus");
        try {
            assertThatThrownBy(() -> StandaloneConfig.timezone(StandaloneConfig.load(Optional.empty(), dir)))
                    .hasMessageContaining("ferry.timezone 'Mars/Olympus'");
        } finally {
            System.clearProperty("ferry.timezone");
        }
    }

    @Test
    void secretsPrintAsStars() {
        System.setProperty("ferry.db.source.password", "hunter2-secret");
        try {
            DatabaseSettings source = DatabaseSettings.from(StandaloneConfig.load(Optional.empty(), dir), "source").orElseThrow();
            assertThat(source.password().reveal()).isEqualTo("hunter2-secret");
            assertThat(source.toString()).doesNotContain("hunter2-secret");
            assertThat(String.valueOf(source.password())).isEqualTo("****");
        } finally {
            System.clearProperty("ferry.db.source.password");
        }
    }
}
