package dev.ferry.load;

import dev.ferry.db.MoreConnections;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.ToLongFunction;
import java.util.logging.Logger;
import org.postgresql.PGConnection;

/**
 * Fills a staging table from several sessions at once, each loading whole files of the manifest in a
 * transaction of its own. The staging table is not the target: streams may commit one by one, because
 * nothing reaches the target until the swap, and a stream that fails stops the others (between files, and
 * by cancelling the COPY in flight) so that the exchange fails before it swaps anything.
 */
final class StagingStreams {

    private static final Logger LOG = Logger.getLogger(StagingStreams.class.getName());

    /** Loads units of a partition (its files, or the warehouse's readers of them) into a table in a session's current transaction. */
    interface Load<T> {
        /** @return the rows of {@code unit} loaded */
        long load(T unit) throws SQLException, IOException, InterruptedException;

        /** How the rows went in, e.g. {@code in binary}. */
        String how();
    }

    /** What a load is made of: units that streams share, each whole. */
    interface Work<T> {
        List<T> units();

        /** What a unit weighs, to share the units evenly. */
        long bytes(T unit);

        /** The {@link Load} of one session, into {@code into}. */
        Load<T> on(Connection session, Loader.Request into) throws SQLException;
    }

    /** What the streams loaded. */
    record Filled(long rows, int streams, String how) {
    }

    private StagingStreams() {
    }

    /**
     * Loads {@code files} into {@code into.table()} on {@code first} and, when {@code wanted} is more than one (or 0,
     * auto) and the pool can spare them, on more sessions. Every session's rows are committed when this returns.
     */
    static <T> Filled fill(Connection first, MoreConnections more, int wanted, Loader.Request into, Work<T> work)
            throws SQLException, IOException, InterruptedException {
        int n = streams(wanted, work, more, into);
        List<List<T>> shares = shares(work.units(), work::bytes, n);
        if (n == 1) {
            Load<T> load = work.on(first, into);
            return new Filled(inTransaction(first, load, shares.get(0), new AtomicBoolean()), 1, load.how());
        }
        List<Connection> sessions = new ArrayList<>(List.of(first));
        ExecutorService pool = Executors.newFixedThreadPool(n - 1, runnable -> {
            Thread thread = new Thread(runnable, "ferry-load-stream");
            thread.setDaemon(true);
            return thread;
        });
        AtomicBoolean stop = new AtomicBoolean();
        try {
            for (int i = 1; i < n; i++) {
                sessions.add(more.open());
            }
            List<Load<T>> fileLoads = new ArrayList<>();
            for (Connection session : sessions) {
                fileLoads.add(work.on(session, into));
            }
            List<Future<Long>> others = new ArrayList<>();
            for (int i = 1; i < n; i++) {
                int stream = i;
                others.add(pool.submit(() -> stopOthersOnFailure(sessions, stream, stop,
                        () -> inTransaction(sessions.get(stream), fileLoads.get(stream), shares.get(stream), stop))));
            }
            Exception failure = null;
            long rows = 0;
            try {
                rows += stopOthersOnFailure(sessions, 0, stop, () -> inTransaction(first, fileLoads.get(0), shares.get(0), stop));
            } catch (SQLException | IOException | RuntimeException | InterruptedException e) {
                failure = e;
            }
            for (Future<Long> other : others) {
                try {
                    rows += other.get();
                } catch (ExecutionException e) {
                    failure = first(failure, e.getCause());
                }
            }
            if (failure != null) {
                throw failure;
            }
            LOG.info(loadedIn(n, shares, into));
            return new Filled(rows, n, fileLoads.get(0).how() + " in " + n + " streams");
        } catch (SQLException | IOException | RuntimeException | InterruptedException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        } finally {
            stop.set(true);
            pool.shutdownNow();
            for (Connection session : sessions.subList(1, sessions.size())) {
                try {
                    session.close();
                } catch (SQLException e) {
                    // a session that a failed COPY broke is thrown away by its pool
                }
            }
        }
    }

    /** The streams to take: as asked (auto by the manifest's bytes), no more than files, nor than the pool can spare. */
    private static <T> int streams(int wanted, Work<T> work, MoreConnections more, Loader.Request into) {
        List<T> units = work.units();
        int asked = wanted > 0 ? wanted : MoreConnections.auto(units.stream().mapToLong(work::bytes).sum());
        int n = Math.max(1, Math.min(asked, units.size()));
        int available = (int) Math.min(n, 1L + more.spare());
        if (available < n) {
            LOG.info(() -> into.flow() + " " + into.mydate() + ": " + available + " load stream(s), not " + n + ": the warehouse's pool"
                    + " has " + (available - 1) + " connection(s) to spare now (pool-size)");
        }
        if (n < asked) {
            LOG.fine(() -> into.flow() + " " + into.mydate() + ": " + n + " load stream(s), not " + asked + ": a stream takes whole files"
                    + " (or readers of them), and there are " + units.size());
        }
        return available;
    }

    /** The units split into {@code n} shares of about equal bytes: each unit, largest first, to the lightest share. */
    static <T> List<List<T>> shares(List<T> units, ToLongFunction<T> weight, int n) {
        List<List<T>> shares = new ArrayList<>();
        long[] bytes = new long[n];
        for (int i = 0; i < n; i++) {
            shares.add(new ArrayList<>());
        }
        List<T> largestFirst = new ArrayList<>(units);
        largestFirst.sort(Comparator.comparingLong(weight).reversed());
        for (T unit : largestFirst) {
            int lightest = 0;
            for (int i = 1; i < n; i++) {
                lightest = bytes[i] < bytes[lightest] ? i : lightest;
            }
            shares.get(lightest).add(unit);
            bytes[lightest] += weight.applyAsLong(unit);
        }
        return shares;
    }

    private interface Stream {
        long run() throws SQLException, IOException, InterruptedException;
    }

    /** Runs a stream; when it fails, the others stop: between files at once, and the COPY in flight is cancelled. */
    private static long stopOthersOnFailure(List<Connection> sessions, int self, AtomicBoolean stop, Stream stream)
            throws SQLException, IOException, InterruptedException {
        try {
            return stream.run();
        } catch (SQLException | IOException | RuntimeException | InterruptedException e) {
            if (!stop.getAndSet(true)) {
                for (int i = 0; i < sessions.size(); i++) {
                    if (i != self) {
                        try {
                            sessions.get(i).unwrap(PGConnection.class).cancelQuery();
                        } catch (SQLException cancel) {
                            e.addSuppressed(cancel);
                        }
                    }
                }
            }
            throw e;
        }
    }

    /** One session's share in one transaction of its own, committed when every file of it is in. */
    private static <T> long inTransaction(Connection session, Load<T> load, List<T> share, AtomicBoolean stop)
            throws SQLException, IOException, InterruptedException {
        boolean autoCommit = session.getAutoCommit();
        session.setAutoCommit(false);
        try {
            long rows = 0;
            for (T unit : share) {
                if (stop.get()) {
                    throw new StoppedByAnother();
                }
                rows += load.load(unit);
            }
            session.commit();
            return rows;
        } catch (SQLException | IOException | RuntimeException | InterruptedException e) {
            try {
                session.rollback();
            } catch (SQLException rollback) {
                e.addSuppressed(rollback);
            }
            throw e;
        } finally {
            try {
                session.setAutoCommit(autoCommit);
            } catch (SQLException ignored) {
                // a broken session: its failure is the one reported
            }
        }
    }

    /** A stream that stopped because another failed: that other's failure is the one reported. */
    private static final class StoppedByAnother extends RuntimeException {
        StoppedByAnother() {
            super("stopped: another load stream failed", null, false, false);
        }
    }

    /** The failure to report: a stream's own, not a stream's that was stopped or cancelled because of it. */
    private static Exception first(Exception reported, Throwable next) {
        Exception e = next instanceof Exception exception ? exception : new IllegalStateException(next);
        if (reported == null) {
            return e;
        }
        if (isConsequence(reported) && !isConsequence(e)) {
            e.addSuppressed(reported);
            return e;
        }
        reported.addSuppressed(e);
        return reported;
    }

    /** Stopped between files, or a COPY cancelled (SQLState 57014) because another stream failed. */
    private static boolean isConsequence(Exception e) {
        return e instanceof StoppedByAnother || e instanceof SQLException sql && "57014".equals(sql.getSQLState())
                || e.getCause() instanceof SQLException cause && "57014".equals(cause.getSQLState());
    }

    private static <T> String loadedIn(int n, List<List<T>> shares, Loader.Request into) {
        StringBuilder files = new StringBuilder();
        for (List<T> share : shares) {
            files.append(files.isEmpty() ? "" : ", ").append(share.size());
        }
        return into.flow() + " " + into.mydate() + ": filled " + into.table() + " in " + n + " streams of " + files + " file(s)";
    }
}
