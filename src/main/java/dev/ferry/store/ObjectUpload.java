package dev.ferry.store;

import java.io.IOException;
import java.io.OutputStream;

/**
 * An object being written. Nothing is visible under its key until {@link #commit()}; {@link #close()}
 * without a commit throws the bytes away, so a failed extract never leaves a half-written file.
 */
public abstract class ObjectUpload extends OutputStream {

    /** Makes the written bytes visible under the key. */
    public abstract void commit() throws IOException;
}
