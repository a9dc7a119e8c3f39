package dev.ferry.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** What the console believes of X-Forwarded-* headers: only what a trusted proxy sends. */
class ForwardedForTest {

    final ForwardedFor proxies = new ForwardedFor(Set.of("10.0.0.5", "10.0.0.6"));

    @Test
    void theClientIsTheNearestAddressThatIsNotATrustedProxy() {
        assertThat(proxies.client("10.0.0.5", "198.51.100.7")).isEqualTo("198.51.100.7");
        assertThat(proxies.client("10.0.0.5", "203.0.113.9, 198.51.100.7, 10.0.0.6")).as("a client's own header is not believed")
                .isEqualTo("198.51.100.7");
        assertThat(proxies.client("10.0.0.5", null)).isEqualTo("10.0.0.5");
    }

    @Test
    void fromAnyoneElseTheHeadersAreIgnored() {
        assertThat(proxies.client("198.51.100.7", "127.0.0.1")).isEqualTo("198.51.100.7");
        assertThat(proxies.secure("198.51.100.7", false, "https")).isFalse();
        assertThat(proxies.host("198.51.100.7", "ferry.internal:8080", "evil.example")).isEqualTo("ferry.internal:8080");
    }

    @Test
    void httpsAndTheHostComeFromATrustedProxy() {
        assertThat(proxies.secure("10.0.0.5", false, "https")).isTrue();
        assertThat(proxies.secure("10.0.0.5", false, "http")).isFalse();
        assertThat(proxies.host("10.0.0.5", "ferry.internal:8080", "ferry.example.com")).isEqualTo("ferry.example.com");
        assertThat(new ForwardedFor(Set.of()).secure("10.0.0.5", true, null)).as("https to this server itself").isTrue();
    }
}
