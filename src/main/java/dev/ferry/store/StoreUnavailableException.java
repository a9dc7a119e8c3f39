package dev.ferry.store;

import java.io.IOException;

/** The store failed in a way that may pass: a 5xx answer, throttling, a timeout, a lost connection. */
public class StoreUnavailableException extends IOException {
    public StoreUnavailableException(String message) {
        super(message);
    }
}
