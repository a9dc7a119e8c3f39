package dev.ferry.notify;

import jakarta.json.bind.Jsonb;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * How a notice is put for the receiver ({@code ferry.notify.format}): Ferry's own JSON, or the message a DingTalk or
 * Slack robot takes.
 */
public enum NoticeFormat {

    /** The {@link Notice} itself, as JSON. */
    GENERIC {
        @Override
        String body(Notice notice, Jsonb jsonb) {
            return jsonb.toJson(notice);
        }
    },
    /**
     * A DingTalk custom robot's markdown message ({@code {"msgtype": "markdown", "markdown": {"title", "text"}}}); the
     * title starts with "Ferry", a keyword a robot's security setting can require.
     */
    DINGTALK {
        @Override
        String body(Notice notice, Jsonb jsonb) {
            Map<String, Object> markdown = new LinkedHashMap<>();
            markdown.put("title", "Ferry: " + notice.flow() + " " + notice.event());
            markdown.put("text", "### Ferry: " + notice.flow() + " " + notice.event() + "\n\n" + notice.headline()
                    + (notice.startedBy() == null ? "" : "\n\nstarted by " + notice.startedBy())
                    + (notice.console() == null ? "" : "\n\n[open in the console](" + notice.console() + ")"));
            Map<String, Object> message = new LinkedHashMap<>();
            message.put("msgtype", "markdown");
            message.put("markdown", markdown);
            return jsonb.toJson(message);
        }
    },
    /** A Slack incoming webhook's message ({@code {"text": ...}}, with a link to the console). */
    SLACK {
        @Override
        String body(Notice notice, Jsonb jsonb) {
            return jsonb.toJson(Map.of("text", "*Ferry*: " + notice.headline()
                    + (notice.console() == null ? "" : " <" + notice.console() + "|console>")));
        }
    };

    abstract String body(Notice notice, Jsonb jsonb);

    public static NoticeFormat of(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("ferry.notify.format '" + name + "' is not a format: give generic, dingtalk or slack");
        }
    }
}
