package dev.ferry.console;

/** A backfill that has been started in the background: its range and how many dates run at a time. */
public record BackfillAccepted(String flow, String from, String to, int dates, int parallel) {
}
