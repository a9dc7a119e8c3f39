package dev.ferry.console;

import static dev.ferry.testing.RunningConsole.OPERATOR;
import static dev.ferry.testing.RunningConsole.PASSWORD;
import static dev.ferry.testing.RunningConsole.VIEWER;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.testing.Await;
import dev.ferry.testing.ConsoleClient;
import dev.ferry.testing.Postgres;
import dev.ferry.testing.RunningConsole;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The console's page in real headless Chromium (Debian's chromium and chromedriver; .ci/run installs them),
 * over {@code ferry serve}'s console with the reference flow and three weeks of source data. The set-up
 * of these tests takes the README's screenshots: target/screenshots/, or the folder named by
 * {@code -Dferry.screenshots=docs/screenshots} to refresh the README's.
 */
class ConsoleBrowserTest {

    static final DateTimeFormatter YMD = DateTimeFormatter.BASIC_ISO_DATE;
    static final LocalDate TODAY = LocalDate.now(ZoneOffset.UTC);

    /** The reference flow with an sql step after its load, whose count is rows changed, not rows loaded. */
    static final String LOAD_AND_SUMMARISE = """
            <job id="load-and-summarise" xmlns="https://jakarta.ee/xml/ns/jakartaee" version="2.0">
              <step id="extract" next="load"><batchlet ref="extract"><properties>
                <property name="database" value="source"/>
                <property name="query" value="SELECT * FROM t_src WHERE c = DATE '${mydate}'"/>
                <property name="target" value="summarised/${mydate}/"/>
              </properties></batchlet></step>
              <step id="load" next="summarise"><batchlet ref="load"><properties>
                <property name="database" value="warehouse"/>
                <property name="table" value="t_target"/>
                <property name="source" value="summarised/${mydate}/"/>
                <property name="mode" value="replace"/>
                <property name="replaceWhere" value="c = DATE '${mydate}'"/>
              </properties></batchlet></step>
              <step id="summarise"><batchlet ref="sql"><properties>
                <property name="database" value="warehouse"/>
                <property name="script" value="UPDATE t_target SET b = b WHERE c = DATE '${mydate}' AND b = 0"/>
              </properties></batchlet></step>
            </job>
            """;

    @TempDir
    static Path dir;
    static RunningConsole console;
    static ConsoleClient operatorApi;
    /** One Chromium for the class (a start takes seconds); each test begins logged out, on a blank page. */
    static WebDriver browser;
    static WebDriverWait wait;

    @BeforeAll
    static void serveThreeWeeksOfHistory() throws Exception {
        console = new RunningConsole(Files.createDirectories(dir.resolve("pipeline")), pipeline -> {
            try {
                Files.writeString(pipeline.flowsFolder().resolve("load-and-summarise.xml"), LOAD_AND_SUMMARISE);
                dev.ferry.testing.FlowFile.named("daily-report").step("note", "sql", "database", "warehouse", "script", "SELECT 1")
                        .writeTo(pipeline.flowsFolder());
                pipeline.config.set("ferry.flow.daily-report.after", "rds-to-adb");
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        Postgres.execute(console.pipeline.source, "CREATE TABLE t_src (a int, b int, c date)",
                "INSERT INTO t_src SELECT d * 10000 + i, i % 7, current_date - d FROM generate_series(1, 21) d, generate_series(1, 1200 + d * 37) i");
        Postgres.execute(console.pipeline.warehouse, "CREATE TABLE t_target (a int, b int, c date)");
        operatorApi = console.loggedIn(OPERATOR);
        String from = TODAY.minusDays(21).format(YMD);
        String to = TODAY.minusDays(6).format(YMD);
        assertThat(operatorApi.post("api/flows/rds-to-adb/backfill", "{\"from\": \"" + from + "\", \"to\": \"" + to + "\", \"parallel\": 2}").status())
                .isEqualTo(202);
        Await.until("16 backfilled dates", Duration.ofSeconds(120),
                () -> operatorApi.get("api/executions?status=COMPLETED&limit=1").json().getInt("total") == 16);
    }

    @AfterAll
    static void stop() {
        console.close();
    }

    @BeforeAll
    static void openChromium() throws IOException {
        ChromeOptions options = new ChromeOptions().setBinary("/usr/bin/chromium").addArguments("--headless=new", "--no-sandbox",
                "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--window-size=1500,900",
                "--user-data-dir=" + Files.createTempDirectory(dir, "chromium"));
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File("/usr/bin/chromedriver")).build();
        browser = new ChromeDriver(service, options);
        // The live views re-render every few seconds: an element found may be replaced before it is read.
        wait = new WebDriverWait(browser, Duration.ofSeconds(30));
        wait.ignoring(StaleElementReferenceException.class);
    }

    @BeforeEach
    void loggedOutOnABlankPage() {
        browser.get(console.uri() + "assets/console.css"); // the console's origin, without its page's script
        browser.manage().deleteAllCookies();
        browser.get("about:blank");
    }

    @AfterAll
    static void closeChromium() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void anOperatorStartsAFlowForADateAndWatchesItsCellTurnGreen() throws Exception {
        String mydate = TODAY.minusDays(3).format(YMD);
        logIn(OPERATOR);
        console.pipeline.holdLoads(9);
        try {
            browser.get(console.uri() + "#/start");
            new Select(wait.until(ExpectedConditions.elementToBeClickable(By.id("start-flow")))).selectByValue("rds-to-adb");
            setDate("start-date", mydate);
            browser.findElement(By.id("start-form-submit")).click();
            wait.until(ExpectedConditions.urlMatches("#/executions/\\d+$"));
            // The steps' log, live while the load is held in its COPY.
            wait.until(ExpectedConditions.textMatches(By.id("log"), java.util.regex.Pattern.compile("rds-to-adb/load started in execution \\d+")));
            assertThat(browser.findElement(By.id("exec-status")).getText()).isEqualTo("STARTED");
            assertThat(browser.findElements(By.id("log-live"))).as("the log says it is live").hasSize(1);
            assertThat(browser.findElement(By.id("log")).getText()).contains("rds-to-adb/extract " + mydate + " done: 1,311 rows");

            browser.get(console.uri() + "#/grid");
            By cell = By.cssSelector("td.cell[data-flow='rds-to-adb'][data-mydate='" + mydate + "']");
            wait.until(ExpectedConditions.attributeContains(cell, "class", "status-STARTED"));
            wait.until(ExpectedConditions.attributeContains(cell, "data-progress", "load: rds-to-adb/load "));
            assertThat(shown(cell, e -> e.getAttribute("title"))).as("what the running run does now, on hover").contains("now: load: rds-to-adb/load ");
            wait.until(ExpectedConditions.attributeContains(cell, "class", "status-COMPLETED"));
            assertThat(shown(cell, WebElement::getText)).as("the rows the run loaded, in short").isEqualTo("1.3k");
            assertThat(shown(cell, e -> e.getAttribute("title"))).contains("extract: 1,311 rows", "load: 1,311 rows").containsPattern("\\d+\\.\\d s");
        } finally {
            console.pipeline.releaseLoads();
        }
        browser.findElement(By.cssSelector("td.cell[data-flow='rds-to-adb'][data-mydate='" + mydate + "']")).click();
        wait.until(ExpectedConditions.textToBe(By.cssSelector("#steps tr[data-step='load'] td.rows"), String.format(Locale.US, "%,d", 1200 + 3 * 37)));
        assertThat(browser.findElement(By.cssSelector("#steps tr[data-step='extract'] td.rows")).getText()).isEqualTo(String.format(Locale.US, "%,d", 1200 + 3 * 37));
        assertThat(browser.findElement(By.id("exec-status")).getText()).isEqualTo("COMPLETED");
        wait.until(ExpectedConditions.textMatches(By.id("log"), java.util.regex.Pattern.compile("rds-to-adb/load " + mydate + " done: 1,311 rows")));
        assertThat(browser.findElements(By.id("log-live"))).as("an ended run's log is not live").isEmpty();
        assertThat(browser.findElement(By.id("execution")).getText()).as("times in ISO 8601 with their zone")
                .containsPattern("Started \\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}[+-]\\d{2}:\\d{2}");
        assertThat(dev.ferry.step.Progress.describe(0, 883_200_000L, java.time.Duration.ofSeconds(1))).contains("883.2 MB");
        assertThat(((org.openqa.selenium.JavascriptExecutor) browser).executeScript("return bytes(arguments[0])", 883_200_000L))
                .as("a size in the command line's unit (it said 842.3 MB for 883.2 MB)").isEqualTo("883.2 MB");
        screenshot("console-execution.png");
    }

    @Test
    void aFailingRunShowsItsErrorAndIsRestartedFromThePage() throws Exception {
        String mydate = TODAY.minusDays(4).format(YMD);
        Postgres.execute(console.pipeline.warehouse, "ALTER TABLE t_target RENAME TO t_target_away");
        long failed;
        try {
            failed = operatorApi.post("api/flows/rds-to-adb/start", "{\"mydate\": \"" + mydate + "\"}").json().getJsonNumber("id").longValue();
            logIn(OPERATOR);
            browser.get(console.uri() + "#/executions/" + failed);
            wait.until(ExpectedConditions.textToBe(By.id("exec-status"), "FAILED"));
            String error = browser.findElement(By.id("error")).getText();
            assertThat(error).contains("step load").contains("t_target");
            String reason = error.substring(error.indexOf("step load: ") + "step load: ".length());
            String page = browser.findElement(By.id("execution")).getText().replace(browser.findElement(By.id("log")).getText(), "");
            assertThat(page.split(java.util.regex.Pattern.quote(reason), -1)).as("the page shows the error once, and its log").hasSize(2);
            assertThat(browser.findElement(By.id("log")).getText()).contains("load: failed: ").contains(reason);

            browser.get(console.uri() + "#/grid");
            wait.until(ExpectedConditions.attributeContains(By.cssSelector("td.cell[data-flow='rds-to-adb'][data-mydate='" + mydate + "']"), "class", "status-FAILED"));
            browser.findElement(By.cssSelector("th.flow[data-flow='rds-to-adb']")).click();
            wait.until(ExpectedConditions.attributeContains(
                    By.cssSelector("td.step-cell[data-mydate='" + mydate + "'][data-step='load']"), "class", "status-FAILED"));
            screenshot("console-grid.png");
        } finally {
            Postgres.execute(console.pipeline.warehouse, "ALTER TABLE t_target_away RENAME TO t_target");
        }
        browser.get(console.uri() + "#/executions/" + failed);
        wait.until(ExpectedConditions.elementToBeClickable(By.id("restart"))).click();
        wait.until(ExpectedConditions.not(ExpectedConditions.urlContains("#/executions/" + failed)));
        wait.until(ExpectedConditions.textToBe(By.id("exec-status"), "COMPLETED"));
        assertThat(browser.findElement(By.cssSelector("#steps tr[data-step='load'] td.rows")).getText()).isEqualTo(String.format(Locale.US, "%,d", 1200 + 4 * 37));
        assertThat(console.pipeline.targetRows(TODAY.minusDays(4).toString())).isEqualTo(1200 + 4 * 37);
    }

    @Test
    void aCellShowsTheRowsItsLoadsPutInTheWarehouseNotTheCountOfItsSqlStep() throws Exception {
        String mydate = TODAY.minusDays(2).format(YMD);
        ConsoleClient.Reply started = operatorApi.post("api/flows/load-and-summarise/start", "{\"mydate\": \"" + mydate + "\"}");
        assertThat(started.status()).as(started.body()).isEqualTo(201);
        long id = started.json().getJsonNumber("id").longValue();
        Await.until("load-and-summarise completes", Duration.ofSeconds(60),
                () -> operatorApi.get("api/executions/" + id).json().getString("status"), "COMPLETED"::equals);
        logIn(VIEWER);

        browser.get(console.uri() + "#/grid");
        By cell = By.cssSelector("td.cell[data-flow='load-and-summarise'][data-mydate='" + mydate + "']");
        wait.until(ExpectedConditions.attributeContains(cell, "class", "status-COMPLETED"));
        int loaded = 1200 + 2 * 37;
        assertThat(shown(cell, WebElement::getText)).as("1,274 rows loaded, not the sql step's count").isEqualTo("1.3k");
        assertThat(shown(cell, e -> e.getAttribute("data-rows"))).isEqualTo(String.valueOf(loaded));
        assertThat(shown(cell, e -> e.getAttribute("title"))).contains("load: 1,274 rows").containsPattern("summarise: \\d+ rows changed");

        browser.get(console.uri() + "#/executions");
        By row = By.xpath("//table[@id='executions']//tr[td[1][text()='" + id + "']]");
        wait.until(ExpectedConditions.presenceOfElementLocated(row));
        assertThat(shown(row, WebElement::getText)).contains("1,274");
    }

    @Test
    void anOperatorPausesAFlowOnTheFlowsPageAndResumesIt() {
        logIn(OPERATOR);
        browser.get(console.uri() + "#/flows");
        By pause = By.cssSelector("#flows tr[data-flow='rds-to-adb'] button.pause-toggle");
        wait.until(ExpectedConditions.textToBe(pause, "Pause"));
        browser.findElement(pause).click();
        wait.until(ExpectedConditions.textToBe(pause, "Resume"));
        assertThat(shown(By.cssSelector("#flows tr[data-flow='rds-to-adb']"), WebElement::getText))
                .contains("PAUSED by console:" + OPERATOR);
        assertThat(ConsoleApiContract.flow(operatorApi, "rds-to-adb").getJsonObject("paused").getString("by")).isEqualTo("console:" + OPERATOR);

        browser.findElement(pause).click();
        wait.until(ExpectedConditions.textToBe(pause, "Pause"));
        assertThat(shown(By.cssSelector("#flows tr[data-flow='rds-to-adb']"), WebElement::getText)).doesNotContain("PAUSED");
    }

    @Test
    void theGraphOfAFlowShowsWhatWaitsForItAndEachOnesStateForADate() throws IOException {
        logIn(VIEWER);
        browser.get(console.uri() + "#/flows");
        wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector("tr[data-flow='rds-to-adb'] a.graph-link"))).click();
        wait.until(ExpectedConditions.urlContains("#/flows/rds-to-adb/graph"));
        String completed = TODAY.minusDays(7).toString();
        WebElement date = wait.until(ExpectedConditions.elementToBeClickable(By.id("graph-date")));
        date.clear();
        date.sendKeys(completed);
        browser.findElement(By.cssSelector("#graph-form button")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("h1"), "for " + completed));
        wait.until(ExpectedConditions.attributeToBe(By.cssSelector("#graph .node[data-flow='rds-to-adb']"), "data-state", "COMPLETED"));
        assertThat(browser.findElement(By.cssSelector("#graph .node[data-flow='daily-report']")).getText()).contains("NOT RUN")
                .contains("after rds-to-adb");
        assertThat(browser.findElement(By.cssSelector("#graph .level[data-level='1']")).getText()).contains("WAITS FOR IT");
        screenshot("console-graph.png");
    }

    @Test
    void aViewerSeesTheGridAndExecutionsButNoActions() {
        logIn(VIEWER);
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("td.cell.status-COMPLETED")));
        assertThat(shown(By.id("grid-to"), e -> e.getAttribute("value"))).as("the grid opens on the T+1 date")
                .isEqualTo(TODAY.minusDays(1).toString());
        wait.until(d -> { d.findElement(By.id("newer")).click(); return true; });
        wait.until(d -> TODAY.toString().equals(d.findElement(By.id("grid-to")).getAttribute("value")));
        assertThat(shown(By.id("newer"), e -> String.valueOf(e.isEnabled()))).as("today's page has no newer page").isEqualTo("false");
        assertThat(browser.findElements(By.cssSelector("#grid th.flow"))).hasSizeGreaterThan(1);
        WebElement filter = browser.findElement(By.id("grid-filter"));
        filter.sendKeys("rd");
        // The grid refreshes while shown; what is being typed survives it.
        wait.until(ExpectedConditions.stalenessOf(browser.findElement(By.id("grid"))));
        assertThat(filter.getAttribute("value")).isEqualTo("rd");
        filter.sendKeys("s", Keys.ENTER);
        wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#grid th.flow"), 1));
        assertThat(browser.findElement(By.cssSelector("#grid th.flow")).getAttribute("data-flow")).isEqualTo("rds-to-adb");
        for (WebElement link : browser.findElements(By.cssSelector("#nav a.operator"))) {
            assertThat(link.isDisplayed()).as(link.getAttribute("href")).isFalse();
        }
        browser.findElement(By.cssSelector("td.cell.status-COMPLETED")).click();
        wait.until(ExpectedConditions.textToBe(By.id("exec-status"), "COMPLETED"));
        assertThat(browser.findElements(By.cssSelector(".actions button, #restart, #stop, #abandon"))).isEmpty();
    }

    @Test
    void theStartFormChecksItsInputBeforeSendingIt() {
        logIn(OPERATOR);
        browser.get(console.uri() + "#/backfill");
        wait.until(ExpectedConditions.elementToBeClickable(By.id("backfill-form-submit")));
        setDate("backfill-from", TODAY.minusDays(1).format(YMD));
        setDate("backfill-to", TODAY.minusDays(5).format(YMD));
        browser.findElement(By.id("backfill-form-submit")).click();
        assertThat(wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("backfill-form-error"))).getText()).isEqualTo("From is after To");
        WebElement from = browser.findElement(By.id("backfill-from"));
        from.clear();
        from.sendKeys("2024-02-30");
        browser.findElement(By.id("backfill-form-submit")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("backfill-form-error"), "From must be a date written yyyy-MM-dd"));
    }

    @Test
    void theFlowsPageShowsEachScheduleWithItsNextRunsAndTheirBusinessDates() throws IOException {
        logIn(VIEWER);
        browser.get(console.uri() + "#/flows");
        By flow = By.cssSelector("#flows tr[data-flow='rds-to-adb']");
        wait.until(ExpectedConditions.presenceOfElementLocated(flow));
        String row = browser.findElement(flow).getText();
        assertThat(row).contains("30 2 * * * (UTC, misfire catch-up)");
        LocalDate nextRun = TODAY.plusDays(java.time.LocalTime.now(ZoneOffset.UTC).isBefore(java.time.LocalTime.of(2, 30)) ? 0 : 1);
        assertThat(row).contains("→ " + nextRun.minusDays(1)).contains("→ " + nextRun);
        screenshot("console-flows.png");
    }

    @Test
    void anOperatorTryRunsAFlowAndReadsTheReport() {
        logIn(OPERATOR);
        browser.get(console.uri() + "#/try-run");
        new Select(wait.until(ExpectedConditions.elementToBeClickable(By.id("tryrun-flow")))).selectByValue("rds-to-adb");
        setDate("tryrun-date", TODAY.minusDays(2).format(YMD));
        browser.findElement(By.id("tryrun-form-submit")).click();
        WebElement report = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("tryrun-report")));
        assertThat(report.findElement(By.tagName("h2")).getText()).isEqualTo("No problems found");
        assertThat(report.findElement(By.tagName("pre")).getText()).contains("t_src").contains("DATE '" + TODAY.minusDays(2).format(YMD) + "'");
    }

    @Test
    void aWrongPasswordIsToldOnTheLoginForm() {
        browser.get(console.uri().toString());
        wait.until(ExpectedConditions.elementToBeClickable(By.id("username"))).sendKeys(OPERATOR);
        browser.findElement(By.id("password")).sendKeys("not the password");
        browser.findElement(By.id("login-button")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("login-error"), "wrong user name or password"));
        assertThat(browser.findElement(By.id("nav")).isDisplayed()).isFalse();
    }

    private void logIn(String user) {
        browser.get(console.uri().toString());
        wait.until(ExpectedConditions.elementToBeClickable(By.id("username"))).sendKeys(user);
        browser.findElement(By.id("password")).sendKeys(PASSWORD);
        browser.findElement(By.id("login-button")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("whoami"), user));
    }

    /** What an element of a live view shows, read again if the view re-rendered it meanwhile. */
    private String shown(By element, java.util.function.Function<WebElement, String> read) {
        return wait.until(d -> read.apply(d.findElement(element)));
    }

    /** Types a date into a date field as a user does: yyyy-MM-dd, whatever the browser's locale. */
    private void setDate(String id, String mydate) {
        WebElement field = browser.findElement(By.id(id));
        field.clear();
        field.sendKeys(LocalDate.parse(mydate, YMD).toString());
    }

    private void screenshot(String name) throws IOException {
        Path folder = Path.of(System.getProperty("ferry.screenshots", "target/screenshots"));
        Files.createDirectories(folder);
        File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), folder.resolve(name), StandardCopyOption.REPLACE_EXISTING);
    }

}
