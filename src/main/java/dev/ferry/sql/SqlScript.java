package dev.ferry.sql;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a PostgreSQL script into statements at top-level semicolons. Semicolons inside quoted strings
 * ({@code '...'}, {@code E'...'}), quoted identifiers, dollar-quoted bodies ({@code $$...$$},
 * {@code $fn$...$fn$}), line comments and (nested) block comments do not split.
 */
public final class SqlScript {

    private final String text;
    private final List<SqlStatement> statements = new ArrayList<>();
    private int pos;
    private int line = 1;
    private int depth;
    private String notAnExpression;

    private SqlScript(String text) {
        this.text = text;
    }

    /** @throws SqlScriptException naming the line where an unterminated string, identifier or comment starts */
    public static List<SqlStatement> split(String script) {
        SqlScript parser = new SqlScript(script == null ? "" : script);
        parser.run();
        return List.copyOf(parser.statements);
    }

    /**
     * Checks that {@code text} is one SQL expression that can be put into a statement of Ferry's as it is, e.g.
     * a load's {@code replaceWhere} in {@code DELETE FROM t WHERE (...)}: no semicolon, no comment (a
     * {@code --} would hide the rest of the statement) and balanced parentheses, outside quotes.
     *
     * @throws SqlScriptException saying what makes it more than one expression
     */
    public static void requireOneExpression(String text) {
        SqlScript parser = new SqlScript(text == null ? "" : text);
        parser.run();
        if (parser.notAnExpression == null && parser.depth > 0) {
            parser.notAnExpression = "a ( is not closed";
        }
        if (parser.notAnExpression != null) {
            throw new SqlScriptException("'" + text.strip() + "' must be one SQL expression, but " + parser.notAnExpression);
        }
    }

    private void notAnExpression(String why) {
        if (notAnExpression == null) {
            notAnExpression = why;
        }
    }

    private void run() {
        int start = 0;
        int firstTokenLine = -1;
        while (pos < text.length()) {
            char c = text.charAt(pos);
            int tokenLine = line;
            boolean significant = true;
            if (c == '\n') {
                line++;
                pos++;
                significant = false;
            } else if (Character.isWhitespace(c)) {
                pos++;
                significant = false;
            } else if (c == '-' && peek(1) == '-') {
                notAnExpression("it has a -- comment");
                skipLineComment();
                significant = false;
            } else if (c == '/' && peek(1) == '*') {
                notAnExpression("it has a /* comment");
                skipBlockComment();
                significant = false;
            } else if (c == '\'') {
                skipString(isEscapeStringPrefix());
            } else if (c == '"') {
                skipQuoted('"', "quoted identifier");
            } else if (c == '$' && dollarTagAt(pos) != null) {
                skipDollarQuoted();
            } else if (c == ';') {
                notAnExpression("it has a ; (it would end the statement and start another)");
                add(start, pos, firstTokenLine);
                pos++;
                start = pos;
                firstTokenLine = -1;
                significant = false;
            } else {
                if (c == '(') {
                    depth++;
                } else if (c == ')' && --depth < 0) {
                    notAnExpression("it closes a ) that it did not open");
                }
                pos++;
            }
            if (significant && firstTokenLine < 0) {
                firstTokenLine = tokenLine;
            }
        }
        add(start, text.length(), firstTokenLine);
    }

    private void add(int from, int to, int firstTokenLine) {
        if (firstTokenLine < 0) {
            return; // only whitespace and comments
        }
        statements.add(new SqlStatement(statements.size() + 1, firstTokenLine, text.substring(from, to).strip()));
    }

    private char peek(int ahead) {
        int i = pos + ahead;
        return i < text.length() ? text.charAt(i) : '\0';
    }

    private boolean isEscapeStringPrefix() {
        if (pos == 0 || Character.toUpperCase(text.charAt(pos - 1)) != 'E') {
            return false;
        }
        return pos < 2 || !isIdentifierChar(text.charAt(pos - 2));
    }

    private void skipLineComment() {
        while (pos < text.length() && text.charAt(pos) != '\n') {
            pos++;
        }
    }

    private void skipBlockComment() {
        int startLine = line;
        int depth = 0;
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == '/' && peek(1) == '*') {
                depth++;
                pos += 2;
            } else if (c == '*' && peek(1) == '/') {
                depth--;
                pos += 2;
                if (depth == 0) {
                    return;
                }
            } else {
                if (c == '\n') {
                    line++;
                }
                pos++;
            }
        }
        throw new SqlScriptException("unterminated /* comment starting at line " + startLine);
    }

    private void skipString(boolean backslashEscapes) {
        int startLine = line;
        pos++; // opening quote
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == '\n') {
                line++;
            }
            if (backslashEscapes && c == '\\') {
                pos += 2;
                continue;
            }
            if (c == '\'') {
                if (peek(1) == '\'') {
                    pos += 2;
                    continue;
                }
                pos++;
                return;
            }
            pos++;
        }
        throw new SqlScriptException("unterminated string literal starting at line " + startLine);
    }

    private void skipQuoted(char quote, String what) {
        int startLine = line;
        pos++;
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == '\n') {
                line++;
            }
            if (c == quote) {
                if (peek(1) == quote) {
                    pos += 2;
                    continue;
                }
                pos++;
                return;
            }
            pos++;
        }
        throw new SqlScriptException("unterminated " + what + " starting at line " + startLine);
    }

    private void skipDollarQuoted() {
        int startLine = line;
        String tag = dollarTagAt(pos);
        int end = text.indexOf(tag, pos + tag.length());
        if (end < 0) {
            throw new SqlScriptException("unterminated dollar-quoted string " + tag + " starting at line " + startLine);
        }
        for (int i = pos; i < end + tag.length(); i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        pos = end + tag.length();
    }

    /** The {@code $tag$} opening at {@code i}, or null when the {@code $} is a parameter or part of a name. */
    private String dollarTagAt(int i) {
        if (i > 0 && isIdentifierChar(text.charAt(i - 1))) {
            return null;
        }
        int j = i + 1;
        while (j < text.length() && text.charAt(j) != '$') {
            char c = text.charAt(j);
            boolean ok = j == i + 1 ? Character.isLetter(c) || c == '_' : Character.isLetterOrDigit(c) || c == '_';
            if (!ok) {
                return null;
            }
            j++;
        }
        return j < text.length() ? text.substring(i, j + 1) : null;
    }

    private static boolean isIdentifierChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '$';
    }
}
