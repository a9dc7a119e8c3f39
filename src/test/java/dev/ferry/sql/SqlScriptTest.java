package dev.ferry.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class SqlScriptTest {

    @Test
    void splitsAtTopLevelSemicolonsAndKnowsEachStatementsLine() {
        List<SqlStatement> statements = SqlScript.split("""
                -- load t3 for one day
                DELETE FROM t3 WHERE c = DATE '2024-01-01';

                INSERT INTO t3
                SELECT * FROM oss_t3;
                """);
        assertThat(statements).extracting(SqlStatement::number, SqlStatement::line)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(1, 2), org.assertj.core.groups.Tuple.tuple(2, 4));
        assertThat(statements.get(0).sql()).endsWith("DELETE FROM t3 WHERE c = DATE '2024-01-01'");
        assertThat(statements.get(1).sql()).isEqualTo("INSERT INTO t3\nSELECT * FROM oss_t3");
    }

    @Test
    void semicolonsInsideStringsIdentifiersCommentsAndDollarQuotesDoNotSplit() {
        List<SqlStatement> statements = SqlScript.split("""
                SELECT 'a;b', 'it''s; fine', E'x\\';y', "odd;name" FROM t; -- trailing; comment
                /* a; /* nested; */ comment */ SELECT 2;
                CREATE FUNCTION f() RETURNS int AS $body$ BEGIN RETURN 1; END; $body$ LANGUAGE plpgsql;
                DO $$ BEGIN PERFORM 1; END $$;
                SELECT $1, a$b FROM t
                """);
        assertThat(statements).hasSize(5);
        assertThat(statements.get(0).sql()).isEqualTo("SELECT 'a;b', 'it''s; fine', E'x\\';y', \"odd;name\" FROM t");
        assertThat(statements.get(2).sql()).contains("RETURN 1; END; $body$ LANGUAGE plpgsql");
        assertThat(statements.get(3).line()).isEqualTo(4);
        assertThat(statements.get(4).sql()).isEqualTo("SELECT $1, a$b FROM t");
    }

    @Test
    void theOssFdwScriptOfTheReferenceSystemSplitsAsWritten() {
        List<SqlStatement> statements = SqlScript.split("""
                CREATE FOREIGN TABLE IF NOT EXISTS oss_t3 (a int, b int, c date)
                SERVER oss_serv OPTIONS (dir 'rds/t3/20240101/', delimiter '|', format 'csv', encoding 'utf8');
                INSERT INTO t3 SELECT * FROM oss_t3;
                DROP FOREIGN TABLE oss_t3;
                """);
        assertThat(statements).hasSize(3);
        assertThat(statements.get(0).sql()).contains("delimiter '|'");
    }

    @Test
    void onlyCommentsAndBlankStatementsMakeNoStatements() {
        assertThat(SqlScript.split("-- nothing\n;;\n/* here */")).isEmpty();
    }

    @Test
    void anUnterminatedStringOrCommentNamesTheLineItStartsOn() {
        assertThatThrownBy(() -> SqlScript.split("SELECT 1;\nSELECT 'oops;\n")).hasMessage("unterminated string literal starting at line 2");
        assertThatThrownBy(() -> SqlScript.split("SELECT 1;\n\n/* open")).hasMessage("unterminated /* comment starting at line 3");
        assertThatThrownBy(() -> SqlScript.split("DO $x$ BEGIN")).hasMessageContaining("dollar-quoted string $x$ starting at line 1");
    }
}
