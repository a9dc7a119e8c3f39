package dev.ferry.load;

/** The staged partition is not what its manifest says, so nothing was loaded. */
public class LoadRefusedException extends RuntimeException {
    public LoadRefusedException(String message) {
        super(message);
    }
}
