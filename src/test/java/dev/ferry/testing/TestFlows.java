package dev.ferry.testing;

import java.net.URISyntaxException;
import java.nio.file.Path;

/** The job XML files under src/test/resources/flows, given to Ferry as a user gives a flow file: by path. */
public final class TestFlows {

    private TestFlows() {
    }

    public static String path(String name) {
        try {
            return Path.of(TestFlows.class.getResource("/flows/" + name + ".xml").toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
