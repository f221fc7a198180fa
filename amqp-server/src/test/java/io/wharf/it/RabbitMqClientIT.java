package io.wharf.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.rabbitmq.client.amqp.Connection;
import com.rabbitmq.client.amqp.Environment;
import com.rabbitmq.client.amqp.Management;
import com.rabbitmq.client.amqp.Publisher;
import com.rabbitmq.client.amqp.impl.AmqpEnvironmentBuilder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Wharf as the RabbitMQ AMQP 1.0 Java client (com.rabbitmq.client:amqp-client) sees it. */
@Timeout(60)
class RabbitMqClientIT {

    @TempDir
    Path dataDir;
    RunningBroker broker;
    Environment environment;

    @BeforeEach
    void start() throws Exception {
        broker = RunningBroker.withTestUser(dataDir, "");
        environment = new AmqpEnvironmentBuilder().build();
    }

    @AfterEach
    void stop() {
        environment.close();
        broker.close();
    }

    private Connection connect() {
        return environment.connectionBuilder().host("127.0.0.1").port(broker.port()).username("alice")
                .password("secret").build();
    }

    @Test
    void declaresPublishesThroughAnExchangeAndConsumes() throws Exception {
        try (Connection connection = connect()) {
            Management management = connection.management();
            management.exchange("orders").type(Management.ExchangeType.DIRECT).declare();
            management.queue("eu-orders").declare();
            management.binding().sourceExchange("orders").destinationQueue("eu-orders").key("eu").bind();

            Publisher publisher = connection.publisherBuilder().exchange("orders").key("eu").build();
            BlockingQueue<Publisher.Status> outcomes = new ArrayBlockingQueue<>(10);
            publisher.publish(publisher.message("hello".getBytes(StandardCharsets.UTF_8)),
                    context -> outcomes.add(context.status()));
            assertEquals(Publisher.Status.ACCEPTED, outcomes.poll(10, TimeUnit.SECONDS));

            BlockingQueue<String> received = new ArrayBlockingQueue<>(10);
            connection.consumerBuilder().queue("eu-orders").messageHandler((context, message) -> {
                received.add(new String(message.body(), StandardCharsets.UTF_8));
                context.accept();
            }).build();
            assertEquals("hello", received.poll(10, TimeUnit.SECONDS));
        }
    }
}
