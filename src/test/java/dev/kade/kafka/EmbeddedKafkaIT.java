package dev.kade.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * The broker wrapper itself, so it starts one of its own rather than the shared one (dev.kade.testing.SharedKafka):
 * closing it and finding its directory gone is part of what is checked.
 */
class EmbeddedKafkaIT {
    @Test
    void startsAKraftBrokerThatRoundTripsTransactionsAndDeletesItsDirectoryOnClose() throws Exception {
        Path dir;
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            dir = kafka.directory();
            assertThat(dir).isDirectory();
            kafka.createTopics(3, "a", "b");
            kafka.createTopics(3, "a"); // idempotent
            try (Admin admin = kafka.admin()) {
                assertThat(admin.listTopics().names().get(10, TimeUnit.SECONDS)).contains("a", "b");
            }
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
                    kafka.bootstrapServers(), "transactional.id", "t1"), new StringSerializer(), new StringSerializer())) {
                producer.initTransactions();
                producer.beginTransaction();
                producer.send(new ProducerRecord<>("a", "k", "v"));
                producer.commitTransaction();
            }
            try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers",
                    kafka.bootstrapServers(), "group.id", "g", "auto.offset.reset", "earliest",
                    "isolation.level", "read_committed"), new StringDeserializer(), new StringDeserializer())) {
                consumer.subscribe(List.of("a"));
                int seen = 0;
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (seen == 0 && System.nanoTime() < deadline) {
                    ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(200));
                    seen += records.count();
                }
                assertThat(seen).isEqualTo(1);
            }
        }
        assertThat(Files.exists(dir)).isFalse();
    }
}
