package dev.ferry.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.console.Role;
import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.config.Config;
import org.junit.jupiter.api.Test;

/** The standalone console's users, as configured: an Argon2id hash and a role each. */
class HashedAccountsTest {

    static final String HASH = HashedAccounts.hash("night-shift-2024");

    static Config config(Map<String, String> entries) {
        return new SmallRyeConfigBuilder().withSources(new PropertiesConfigSource(entries, "test", 100)).build();
    }

    @Test
    void theRightPasswordGivesTheUsersRoleAndNothingElseDoes() {
        HashedAccounts accounts = HashedAccounts.from(config(Map.of(
                "ferry.console.user.ops.password-hash", HASH, "ferry.console.user.ops.role", "operator",
                "ferry.console.user.eve.password-hash", HASH, "ferry.console.user.eve.role", "Viewer")));

        assertThat(accounts.authenticate("ops", "night-shift-2024")).get().satisfies(a -> assertThat(a.roles()).isEqualTo(Set.of(Role.OPERATOR)));
        assertThat(accounts.authenticate("eve", "night-shift-2024")).get().satisfies(a -> assertThat(a.may(Role.OPERATOR)).isFalse());
        assertThat(accounts.authenticate("ops", "night-shift-2025")).isEmpty();
        assertThat(accounts.authenticate("nobody", "night-shift-2024")).isEmpty();
    }

    @Test
    void oneUserHasOneSpellingWhateverCaseTheyLogInWith() {
        HashedAccounts accounts = HashedAccounts.from(config(Map.of(
                "ferry.console.user.Olga.password-hash", HASH, "ferry.console.user.Olga.role", "operator")));

        for (String typed : java.util.List.of("olga", "Olga", "OLGA", " olga ")) {
            assertThat(accounts.authenticate(typed, "night-shift-2024")).as(typed).get().satisfies(a -> assertThat(a.name()).isEqualTo("olga"));
        }
    }

    @Test
    void aUserWhoseNameHoldsADashOrADotCanBeConfiguredFromTheEnvironment() {
        HashedAccounts accounts = HashedAccounts.from(new SmallRyeConfigBuilder().withSources(new EnvConfigSource(Map.of(
                "FERRY_CONSOLE_USER_OPS_LEAD_PASSWORD_HASH", HASH, "FERRY_CONSOLE_USER_OPS_LEAD_ROLE", "operator",
                "FERRY_CONSOLE_USER_NIGHT_SHIFT_PASSWORD_HASH", HASH, "FERRY_CONSOLE_USER_NIGHT_SHIFT_ROLE", "viewer"), 300) {
        }).build());

        assertThat(accounts.authenticate("ops.lead", "night-shift-2024")).get()
                .satisfies(a -> assertThat(a.roles()).isEqualTo(Set.of(Role.OPERATOR)));
        assertThat(accounts.authenticate("night-shift", "night-shift-2024")).get()
                .satisfies(a -> assertThat(a.roles()).isEqualTo(Set.of(Role.VIEWER)));
        assertThat(accounts.authenticate("night-shift", "wrong")).isEmpty();
        assertThat(accounts.authenticate("nightshift", "night-shift-2024")).isEmpty();
    }

    @Test
    void eachHashIsSaltedAndHoldsNoTraceOfThePassword() {
        assertThat(HashedAccounts.hash("night-shift-2024")).isNotEqualTo(HASH).startsWith("$argon2id$v=19$").doesNotContain("night-shift");
    }

    @Test
    void aUserWithoutARoleOrWithAClearPasswordIsRefusedNamingTheKey() {
        assertThatThrownBy(() -> HashedAccounts.from(config(Map.of("ferry.console.user.ops.password-hash", HASH))))
                .hasMessageContaining("ferry.console.user.ops.role is missing").hasMessageContaining("viewer or operator");
        assertThatThrownBy(() -> HashedAccounts.from(config(Map.of("ferry.console.user.ops.password-hash", "hunter2",
                "ferry.console.user.ops.role", "operator"))))
                .hasMessageContaining("ferry.console.user.ops.password-hash is not an Argon2id hash").hasMessageContaining("ferry hash-password")
                .hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> HashedAccounts.from(config(Map.of("ferry.console.user.ops.password-hash", HASH,
                "ferry.console.user.ops.role", "admin"))))
                .hasMessageContaining("ferry.console.user.ops.role: role 'admin' is neither viewer nor operator");
    }
}
