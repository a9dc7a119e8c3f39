package dev.ferry.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.config.Secret;
import dev.ferry.testing.S3Server;
import java.io.IOException;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A partition is the objects directly in its folder: a {@code target} without {@code ${mydate}} (e.g.
 * {@code exports/orders/}) can have other partitions nested under it, and what is done to the one (list its
 * files, discard its unfinished uploads) must not reach into them. In a folder and in an S3 bucket.
 */
class NestedFoldersTest {

    static S3Server s3;
    @TempDir
    static Path folder;

    @BeforeAll
    static void startS3() throws Exception {
        s3 = new S3Server();
        s3.createBucket("nested");
    }

    @AfterAll
    static void stopS3() throws Exception {
        s3.close();
    }

    static Stream<String> stores() {
        return Stream.of("file", "s3");
    }

    private static ObjectStore open(String kind, String test) {
        return kind.equals("file") ? new FileObjectStore(folder.resolve(test))
                : new StoreSettings("s3://nested/" + test, s3.endpoint(), "us-east-1", S3Server.ACCESS_KEY, Secret.of(S3Server.SECRET_KEY),
                true, 1).open();
    }

    @ParameterizedTest
    @MethodSource("stores")
    void aFolderListsOnlyTheObjectsDirectlyInIt(String kind) throws IOException {
        try (ObjectStore store = open(kind, "list")) {
            put(store, "exports/orders/part-00000.csv", "a");
            put(store, "exports/orders/README.txt", "b");
            put(store, "exports/orders/20240101/part-00000.csv", "c");
            put(store, "exports/orders-eu/part-00000.csv", "d");

            assertThat(store.listFolder("exports/orders/").stream().map(StoredObject::key))
                    .containsExactly("exports/orders/README.txt", "exports/orders/part-00000.csv");
            assertThat(store.list("exports/orders/")).hasSize(3);
        }
    }

    @ParameterizedTest
    @MethodSource("stores")
    void discardingAFoldersUnfinishedUploadsLeavesThoseOfAFolderNestedInIt(String kind) throws IOException {
        try (ObjectStore store = open(kind, "discard")) {
            ObjectUpload own = store.create("exports/orders/part-00001.csv");
            ObjectUpload nested = store.create("exports/orders/20240101/part-00001.csv");
            // More than a part, so that the bucket holds a multipart upload for each.
            byte[] nineMegabytes = new byte[9 << 20];
            own.write(nineMegabytes);
            nested.write(nineMegabytes);

            store.discardUnfinished("exports/orders/");

            nested.commit();
            nested.close();
            assertThat(store.list("exports/orders/20240101/").stream().map(StoredObject::key))
                    .as("the nested extract's upload went on").containsExactly("exports/orders/20240101/part-00001.csv");
            assertThat(store.list("exports/orders/20240101/").get(0).size()).isEqualTo(nineMegabytes.length);
            assertThat(store.listFolder("exports/orders/")).as("the folder's own upload was discarded").isEmpty();
            try {
                own.close();
            } catch (IOException alreadyDiscarded) {
                // It stands for an upload whose process died: its own abort finds nothing left to abort.
            }
        }
    }

    private static void put(ObjectStore store, String key, String text) throws IOException {
        try (ObjectUpload upload = store.create(key)) {
            upload.write(text.getBytes());
            upload.commit();
        }
    }
}
