package io.wharf.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.qpid.protonj2.client.Client;
import org.apache.qpid.protonj2.client.Connection;
import org.apache.qpid.protonj2.client.ConnectionOptions;
import org.apache.qpid.protonj2.client.Message;
import org.apache.qpid.protonj2.client.Sender;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web console in a real browser: headless Chromium (Debian packages {@code chromium} and {@code chromium-driver},
 * which {@code .ci/run} installs) driven by Selenium. Logs in, creates a queue, publishes a message, sees the depth
 * become 1 and the rate chart draw the publish, gets the message back; saves screenshots under {@code target/}.
 */
@Timeout(180)
class ConsoleBrowserIT {

    private static final String CHROMIUM = "/usr/bin/chromium";
    private static final String CHROMEDRIVER = "/usr/bin/chromedriver";

    @TempDir
    Path dataDir;

    @Test
    void createQueuePublishSeeDepthAndRateThenGet() throws Exception {
        assertTrue(Files.isExecutable(Path.of(CHROMIUM)) && Files.isExecutable(Path.of(CHROMEDRIVER)),
                "this test needs headless Chromium: apt-get install chromium chromium-driver (.ci/run does)");
        String yaml = "http:\n  host: 127.0.0.1\n  port: 0\n  rates-interval-ms: 500\n  rates-samples: 120\n"
                + "plugins:\n  enabled: [management]\n";
        try (RunningBroker broker = RunningBroker.withTestUser(dataDir, yaml)) {
            ChromeOptions options = new ChromeOptions();
            options.setBinary(CHROMIUM);
            options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                    "--window-size=1280,1400");
            ChromeDriverService service = new ChromeDriverService.Builder()
                    .usingDriverExecutable(new File(CHROMEDRIVER)).usingAnyFreePort().build();
            WebDriver driver = new ChromeDriver(service, options);
            WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(30));
            // The console redraws its data areas every few seconds: an element found may be replaced before it is read.
            wait.ignoring(StaleElementReferenceException.class);
            try {
                driver.get("http://127.0.0.1:" + broker.broker().httpPort() + "/");
                wait.until(d -> d.findElement(By.id("login-user")).isDisplayed());
                driver.findElement(By.id("login-user")).sendKeys("alice");
                driver.findElement(By.id("login-password")).sendKeys("secret");
                driver.findElement(By.id("login-button")).click();
                wait.until(d -> d.findElement(By.id("overview-chart")) != null);
                assertTrue(driver.findElement(By.id("whoami")).getText().startsWith("alice"));

                driver.findElement(By.cssSelector("#nav a[href='#/queues']")).click();
                wait.until(d -> d.findElements(By.cssSelector("#new-queue-vhost option")).size() == 1);
                driver.findElement(By.id("new-queue-name")).sendKeys("console-q");
                driver.findElement(By.id("create-queue-button")).click();
                WebElement link = wait.until(d -> d.findElement(By.cssSelector("tr[data-queue='console-q'] a")));
                assertEquals("1", String.valueOf(broker.broker().queues().all().size()));
                link.click();

                wait.until(d -> d.findElement(By.id("queue-messages")).getText().equals("0"));
                driver.findElement(By.id("publish-payload")).sendKeys("hello from the console");
                driver.findElement(By.id("publish-button")).click();
                wait.until(d -> d.findElement(By.id("queue-messages")).getText().equals("1"));
                assertEquals(1, broker.broker().queues().get("console-q").messageCount());
                // The chart draws the publish: a rate point above zero.
                wait.until(d -> Double.parseDouble(attribute(d, "queue-chart", "data-max-rate")) > 0);
                assertTrue(Integer.parseInt(attribute(driver, "queue-chart", "data-points")) >= 2);
                screenshot(driver, "console-queue-depth-and-rate.png");

                new Select(driver.findElement(By.id("get-ackmode"))).selectByValue("ack_requeue_false");
                driver.findElement(By.id("get-button")).click();
                wait.until(d -> d.findElement(By.id("get-results")).getText().contains("hello from the console"));
                wait.until(d -> d.findElement(By.id("queue-messages")).getText().equals("0"));
                assertEquals(0, broker.broker().queues().get("console-q").messageCount());
                screenshot(driver, "console-queue-get.png");
            } catch (RuntimeException | AssertionError e) {
                screenshot(driver, "console-failure.png");
                throw e;
            } finally {
                driver.quit();
            }
        }
    }

    /** Every page of the console renders its data from the API, without a script error. */
    @Test
    void everyPageRenders() throws Exception {
        assertTrue(Files.isExecutable(Path.of(CHROMIUM)) && Files.isExecutable(Path.of(CHROMEDRIVER)),
                "this test needs headless Chromium: apt-get install chromium chromium-driver (.ci/run does)");
        String yaml = "http:\n  host: 127.0.0.1\n  port: 0\n  rates-interval-ms: 500\n"
                + "plugins:\n  enabled: [management]\n";
        try (RunningBroker broker = RunningBroker.withTestUser(dataDir, yaml)) {
            HttpApi api = new HttpApi(broker.broker().httpPort(), "alice", "secret");
            api.put("/api/queues/%2F/log", "{\"type\":\"stream\"}");
            api.put("/api/stream-offsets/%2F/log/reader", "{\"offset\":0}");
            api.put("/api/exchanges/%2F/events", "{\"type\":\"fanout\"}");
            api.put("/api/queues/%2F/later", "{\"durable\":true}");
            try (Client client = Client.create()) {
                Connection connection = client.connect("127.0.0.1", broker.port(),
                        new ConnectionOptions().user("alice").password("secret"));
                Sender sender = connection.openSender("/queues/later");
                for (String id : List.of("in-an-hour", "in-two-hours")) {
                    sender.send(Message.create(id).messageId(id).durable(true).annotation("x-opt-delivery-time",
                            new Date(System.currentTimeMillis() + (id.equals("in-an-hour") ? 1 : 2) * 3_600_000L)))
                            .awaitAccepted(10, TimeUnit.SECONDS);
                }
            }
            ChromeOptions options = new ChromeOptions();
            options.setBinary(CHROMIUM);
            options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                    "--window-size=1280,1400");
            ChromeDriverService service = new ChromeDriverService.Builder()
                    .usingDriverExecutable(new File(CHROMEDRIVER)).usingAnyFreePort().build();
            WebDriver driver = new ChromeDriver(service, options);
            WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(30));
            wait.ignoring(StaleElementReferenceException.class);
            try {
                driver.get("http://127.0.0.1:" + broker.broker().httpPort() + "/");
                wait.until(d -> d.findElement(By.id("login-user")).isDisplayed());
                driver.findElement(By.id("login-user")).sendKeys("alice");
                driver.findElement(By.id("login-password")).sendKeys("wrong");
                driver.findElement(By.id("login-button")).click();
                wait.until(d -> d.findElement(By.id("login-error")).getText().contains("Wrong user name or password"));
                driver.findElement(By.id("login-password")).clear();
                driver.findElement(By.id("login-password")).sendKeys("secret");
                driver.findElement(By.id("login-button")).click();
                wait.until(d -> d.findElement(By.id("totals")).getText().contains("Queues"));
                page(driver, wait, "exchanges", "exchange-rows", "events");
                page(driver, wait, "connections", "connection-list", "No client is connected");
                page(driver, wait, "streams", "stream-list", "reader");
                page(driver, wait, "scheduled", "scheduled-list", "in-two-hours");
                assertTrue(driver.findElement(By.id("scheduled-list")).getText().contains("2 scheduled"));
                driver.findElement(By.cssSelector("#scheduled-list button[data-cancel='in-an-hour']")).click();
                wait.until(d -> d.findElement(By.id("flash")).getText().contains("in-an-hour"));
                wait.until(d -> d.findElement(By.id("scheduled-list")).getText().contains("1 scheduled"));
                assertEquals(1, api.get("/api/queues/%2F/later/scheduled").map().get("messages") instanceof List<?> l
                        ? l.size() : -1);
                screenshot(driver, "console-scheduled.png");
                page(driver, wait, "users", "user-rows", "alice");
                screenshot(driver, "console-users.png");
            } catch (RuntimeException | AssertionError e) {
                screenshot(driver, "console-pages-failure.png");
                throw e;
            } finally {
                driver.quit();
            }
        }
    }

    private static void page(WebDriver driver, WebDriverWait wait, String name, String area, String expected) {
        driver.findElement(By.cssSelector("#nav a[href='#/" + name + "']")).click();
        wait.until(d -> d.findElement(By.id(area)).getText().contains(expected));
    }

    private static String attribute(WebDriver driver, String id, String name) {
        String value = driver.findElement(By.id(id)).getAttribute(name);
        return value == null ? "0" : value;
    }

    private static void screenshot(WebDriver driver, String name) throws java.io.IOException {
        Path target = Path.of("target", name);
        Files.createDirectories(target.getParent());
        Files.write(target, ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
    }
}
