package dev.ferry.db;

import java.sql.Connection;
import java.sql.SQLException;

/** More connections to a step's database, for the parallel streams after the first (an extract's, a load's). */
public interface MoreConnections {

    Connection open() throws SQLException;

    /** How many more can be opened now without waiting for one to be returned. */
    int spare();

    /** None: a step in one stream. */
    MoreConnections NONE = new MoreConnections() {
        @Override
        public Connection open() throws SQLException {
            throw new SQLException("one stream only");
        }

        @Override
        public int spare() {
            return 0;
        }
    };

    /** With parallel {@code auto}, a stream per this many bytes to move, at most {@link #AUTO_MAX_STREAMS}. */
    long AUTO_BYTES_PER_STREAM = 256L * 1024 * 1024;
    int AUTO_MAX_STREAMS = 4;

    /** The streams {@code auto} takes for {@code bytes}: one per {@link #AUTO_BYTES_PER_STREAM}, 1 to {@link #AUTO_MAX_STREAMS}. */
    static int auto(long bytes) {
        return (int) Math.min(AUTO_MAX_STREAMS, Math.max(1, (bytes + AUTO_BYTES_PER_STREAM - 1) / AUTO_BYTES_PER_STREAM));
    }

    /**
     * A step's {@code parallel} property: 1 to 16 streams, or {@code auto} (0), when the step chooses by the
     * size of what it moves.
     */
    static int parseParallel(String value) {
        if (value.strip().equals("auto")) {
            return 0;
        }
        int streams;
        try {
            streams = Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + value + "' is not auto or a number of streams from 1 to 16");
        }
        if (streams < 1 || streams > 16) {
            throw new IllegalArgumentException(streams + " is not auto or a number of streams from 1 to 16");
        }
        return streams;
    }
}
