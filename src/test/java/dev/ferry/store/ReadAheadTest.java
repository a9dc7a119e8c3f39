package dev.ferry.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Reading ahead of a load's COPY: whatever ends the reading thread reaches the reader, which never waits forever. */
class ReadAheadTest {

    @Test
    @Timeout(10)
    void aSourceThatFailsWithAnUncheckedErrorFailsTheReaderAfterTheBytesReadBefore() throws IOException {
        InputStream failing = new InputStream() {
            @Override
            public int read() {
                throw new IllegalStateException("the SDK's connection was aborted");
            }
        };
        try (ReadAhead ahead = new ReadAhead(new SequenceInputStream(new ByteArrayInputStream("abc".getBytes()), failing), 2, 2, "test")) {
            assertThat(ahead.read()).isEqualTo('a');
            assertThat(ahead.read()).isEqualTo('b');
            assertThatThrownBy(() -> {
                while (ahead.read() >= 0) {
                    // read on until the failure
                }
            }).isInstanceOf(IOException.class).hasMessageContaining("the SDK's connection was aborted");
        }
    }
}
