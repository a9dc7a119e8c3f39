package dev.ferry.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.console.ConsoleApiContract;
import dev.ferry.testing.S3Server;
import jakarta.json.JsonObject;
import java.io.File;
import java.net.URI;
import java.nio.file.Files;
import java.util.List;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The console's REST API in target/ferry.war on WildFly: the same specification as {@code ferry serve}'s,
 * with users from the server's security domain (prepare.sh adds them with add-user.sh).
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class WildFlyConsoleIT extends ConsoleApiContract {

    /** WildFly's HTTP port with the tests' port offset of 100 (arquillian.xml). */
    static final URI CONSOLE = URI.create("http://127.0.0.1:8180/ferry/");
    static S3Server s3;

    @Deployment(testable = false)
    static WebArchive ferryWar() {
        return ShrinkWrap.createFromZipFile(WebArchive.class, new File("target/ferry.war"))
                .addAsResource(new File("src/test/resources/META-INF/batch-jobs/sleepy.xml"), "META-INF/batch-jobs/sleepy.xml");
    }

    @BeforeAll
    static void serve() throws Exception {
        s3 = new S3Server(18091);
        s3.createBucket("ferry-it");
        serving(CONSOLE, WildFlyIT.SOURCE, WildFlyIT.WAREHOUSE, List.of("it-source-Secret-1", "it-warehouse-Secret-2",
                "it-repository-Secret-3", "ferry-test-secret-Kq83jd", "ferry-test-access-key"), null);
    }

    @AfterAll
    static void stopStore() throws Exception {
        s3.close();
    }

    @Test
    void aFlowFileThatIsNotWellFormedIsShownBrokenWithItsLineWhileTheDeploymentServesTheRest() throws Exception {
        // src/test/wildfly/flows/malformed.xml: before, WildFly failed the whole deployment with a NullPointerException.
        JsonObject malformed = viewer.get("api/flows").structure().asJsonArray().getValuesAs(JsonObject.class).stream()
                .filter(f -> f.getString("name").equals("malformed")).findFirst().orElseThrow();
        assertThat(malformed.getString("problem")).contains("malformed:6: not valid JSR-352 job XML");
        assertThat(Files.readString(WildFlyIT.JBOSS_HOME.resolve("standalone/log/server.log")))
                .contains("malformed.xml:6: not well-formed XML").contains("it is left out of this deployment, the other flows run");
        assertThat(operator.post("api/flows/folder-totals/try-run", "{\"mydate\": \"20240101\"}").status()).isEqualTo(200);
    }
}
