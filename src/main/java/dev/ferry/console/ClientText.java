package dev.ferry.console;

/** What a client sent, made safe to write into a log line: control characters escaped, so no line can be forged. */
final class ClientText {

    private ClientText() {
    }

    /** {@code text} with line breaks, tabs and other control characters as {@code \n}, {@code \r}, {@code \t}, {@code \}{@code uXXXX}. */
    static String escaped(String text) {
        if (text == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder(text.length());
        text.codePoints().forEach(c -> {
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (Character.isISOControl(c) || Character.getType(c) == Character.LINE_SEPARATOR
                            || Character.getType(c) == Character.PARAGRAPH_SEPARATOR) {
                        out.append(String.format("\\u%04x", c));
                    } else {
                        out.appendCodePoint(c);
                    }
                }
            }
        });
        return out.toString();
    }
}
