package dev.ferry.sql;

/** One statement of a script: its 1-based position, the line it starts on, and its text without the {@code ;}. */
public record SqlStatement(int number, int line, String sql) {

    /** The first line of the statement, shortened, for logs and error messages. */
    public String summary() {
        String first = sql.strip().lines().filter(l -> !l.isBlank() && !l.strip().startsWith("--"))
                .findFirst().orElse(sql.strip()).strip();
        return first.length() > 80 ? first.substring(0, 77) + "..." : first;
    }
}
