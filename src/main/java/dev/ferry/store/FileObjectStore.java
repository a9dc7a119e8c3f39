package dev.ferry.store;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/** Objects as files under a root folder; an upload is a hidden temporary file renamed into place. */
public final class FileObjectStore implements ObjectStore {

    private final Path root;

    public FileObjectStore(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    @Override
    public ObjectUpload create(String key) throws IOException {
        Path target = resolve(key);
        Path temp = target.resolveSibling("." + target.getFileName() + ".tmp-" + UUID.randomUUID());
        FileChannel channel;
        try {
            Files.createDirectories(target.getParent());
            channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        } catch (FileSystemException e) {
            throw cannotWrite(e);
        }
        OutputStream out = java.nio.channels.Channels.newOutputStream(channel);
        return new ObjectUpload() {
            private boolean committed;
            private boolean closed;

            @Override
            public void write(int b) throws IOException {
                out.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void commit() throws IOException {
                try {
                    commitFile();
                } catch (FileSystemException e) {
                    throw cannotWrite(e);
                }
            }

            private void commitFile() throws IOException {
                channel.force(false);
                out.close();
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                committed = true;
                closed = true;
            }

            @Override
            public void close() throws IOException {
                if (!closed) {
                    closed = true;
                    out.close();
                }
                if (!committed) {
                    Files.deleteIfExists(temp);
                }
            }
        };
    }

    /**
     * A file system's refusal says only a path ({@code AccessDeniedException: /data/store/rds}); this says what is
     * wrong with it and what to do.
     */
    private IOException cannotWrite(FileSystemException e) {
        String what;
        if (e instanceof AccessDeniedException) {
            what = "permission denied: user " + System.getProperty("user.name") + " cannot write there; give that user write access"
                    + " to the store folder " + root;
        } else if (e instanceof FileAlreadyExistsException || e instanceof NotDirectoryException || "Not a directory".equals(e.getReason())) {
            what = "a file is where the store needs a folder; move it away or point the store elsewhere";
        } else {
            what = (e.getReason() != null ? e.getReason() : e.getClass().getSimpleName()) + "; check the store folder " + root;
        }
        return new FileSystemException(e.getFile(), e.getOtherFile(), what + " (ferry.store.url)");
    }

    @Override
    public StoreLocation location() {
        return new StoreLocation.Folder(root);
    }

    @Override
    public InputStream open(String key) throws IOException {
        try {
            return Files.newInputStream(resolve(key));
        } catch (NoSuchFileException e) {
            throw new FileNotFoundException("no object " + describe(key));
        }
    }

    @Override
    public void discardUnfinished(String folder) throws IOException {
        Path dir = folder(folder);
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                String name = file.getFileName().toString();
                if (name.startsWith(".") && name.contains(".tmp-")) {
                    Files.deleteIfExists(file);
                }
            }
        }
    }

    @Override
    public List<StoredObject> listFolder(String folder) throws IOException {
        Path dir = folder(folder);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        String keyPrefix = folder.isEmpty() || folder.endsWith("/") ? folder : folder + "/";
        List<StoredObject> found = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                String name = file.getFileName().toString();
                if (!name.startsWith(".")) { // a dot file is an upload in progress
                    found.add(new StoredObject(keyPrefix + name, Files.size(file)));
                }
            }
        }
        found.sort(Comparator.comparing(StoredObject::key));
        return found;
    }

    private Path folder(String folder) {
        return folder.isEmpty() || folder.equals("/") ? root : root.resolve(StoreKeys.check(folder.endsWith("/")
                ? folder.substring(0, folder.length() - 1) : folder));
    }

    @Override
    public List<StoredObject> list(String prefix) throws IOException {
        int slash = prefix.lastIndexOf('/');
        Path start = slash < 0 ? root : root.resolve(prefix.substring(0, slash));
        if (!Files.isDirectory(start)) {
            return List.of();
        }
        List<StoredObject> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(start)) {
            for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                if (file.getFileName().toString().startsWith(".")) {
                    continue; // an upload in progress
                }
                String key = root.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
                if (key.startsWith(prefix)) {
                    found.add(new StoredObject(key, Files.size(file)));
                }
            }
        }
        found.sort(Comparator.comparing(StoredObject::key));
        return found;
    }

    @Override
    public void delete(String key) throws IOException {
        Files.deleteIfExists(resolve(key));
    }

    @Override
    public String describe(String key) {
        return root.resolve(key).toString();
    }

    @Override
    public void close() {
    }

    private Path resolve(String key) {
        return root.resolve(StoreKeys.check(key));
    }

    @Override
    public String toString() {
        return "file:" + root;
    }
}
