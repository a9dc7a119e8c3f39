package dev.ferry.server;

import org.junit.platform.suite.api.SelectClasses;
import org.junit.platform.suite.api.Suite;

/**
 * The WildFly tests, run by the test phase in one of its JVMs while the other test classes run in the others: the
 * server (one per JVM, started by Arquillian for the first class) starts and runs beside them instead of after them.
 * Both classes share that server, so they are one suite, in one JVM.
 */
@Suite
@SelectClasses({WildFlyIT.class, WildFlyConsoleIT.class})
class WildFlyTests {
}
