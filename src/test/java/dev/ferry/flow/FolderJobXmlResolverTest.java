package dev.ferry.flow;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a flows folder tells JBeret (and WildFly, which names every job at deployment) of its files. */
class FolderJobXmlResolverTest {

    @TempDir
    Path folder;

    @Test
    void aFileThatIsNotWellFormedIsNamedWithItsLineAndHasNoJobName() throws Exception {
        Files.writeString(folder.resolve("daily.xml"), "<job id=\"daily\" xmlns=\"https://jakarta.ee/xml/ns/jakartaee\" version=\"2.0\"/>");
        Files.writeString(folder.resolve("broken.xml"), "<?xml version=\"1.0\"?>\n<job id=\"broken\">\n  <step id=\"a\">\n</job>\n");
        Files.writeString(folder.resolve("nameless.xml"), "<job/>");
        FolderJobXmlResolver resolver = new FolderJobXmlResolver(folder);

        assertThat(resolver.unreadable("daily.xml", null)).isEmpty();
        assertThat(resolver.resolveJobName("daily.xml", null)).isEqualTo("daily");
        assertThat(resolver.unreadable("broken.xml", null)).hasValueSatisfying(problem -> assertThat(problem)
                .startsWith(folder.resolve("broken.xml") + ":4: not well-formed XML: ").contains("step"));
        assertThat(resolver.resolveJobName("broken.xml", null)).isNull();
        assertThat(resolver.unreadable("nameless.xml", null)).hasValue(folder.resolve("nameless.xml") + ": the job XML has no <job id=\"...\">");
    }
}
