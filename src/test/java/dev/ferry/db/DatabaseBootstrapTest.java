package dev.ferry.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.config.Secret;
import dev.ferry.testing.Postgres;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The repository's database is made when it is missing, and a repository user who may connect only to its own
 * database (no CONNECT on {@code postgres}, as a cloud RDS account often is) can use an existing one.
 */
class DatabaseBootstrapTest {

    final String role = "ferry_least_" + System.nanoTime();
    final String database = role + "_repo";

    @BeforeEach
    void aRoleThatMayConnectOnlyToItsOwnDatabase() {
        Postgres.execute(Postgres.SERVER + "postgres", "CREATE ROLE " + role + " LOGIN", "CREATE DATABASE " + database + " OWNER " + role);
    }

    @AfterEach
    void dropThem() {
        Postgres.execute(Postgres.SERVER + "postgres", "GRANT CONNECT ON DATABASE postgres TO PUBLIC",
                "DROP DATABASE IF EXISTS " + database + " WITH (FORCE)", "DROP DATABASE IF EXISTS " + database + "_new WITH (FORCE)",
                "DROP ROLE IF EXISTS " + role);
    }

    @Test
    void anExistingDatabaseIsUsedWithoutConnectingToPostgres() {
        // Superusers (every other test's) connect whatever the grant says; only this role is kept out of postgres.
        Postgres.execute(Postgres.SERVER + "postgres", "REVOKE CONNECT ON DATABASE postgres FROM PUBLIC");
        try {
            assertThat(DatabaseBootstrap.createIfAbsent(settings(database))).isFalse();
            assertThatThrownBy(() -> DatabaseBootstrap.createIfAbsent(settings(database + "_new")))
                    .hasMessageContaining("does not exist and cannot be created through the server's postgres database")
                    .hasMessageContaining("CREATE DATABASE " + database + "_new");
        } finally {
            Postgres.execute(Postgres.SERVER + "postgres", "GRANT CONNECT ON DATABASE postgres TO PUBLIC");
        }
    }

    @Test
    void aMissingDatabaseIsCreatedThroughPostgres() {
        Postgres.execute(Postgres.SERVER + "postgres", "ALTER ROLE " + role + " CREATEDB");
        assertThat(DatabaseBootstrap.createIfAbsent(settings(database + "_new"))).isTrue();
        assertThat(DatabaseBootstrap.createIfAbsent(settings(database + "_new"))).isFalse();
    }

    private DatabaseSettings settings(String name) {
        return new DatabaseSettings("repository", Postgres.SERVER + name, role, Secret.none(), Duration.ofSeconds(5), 2);
    }
}
