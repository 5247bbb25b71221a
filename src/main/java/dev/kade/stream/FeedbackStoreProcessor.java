package dev.kade.stream;

import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps the feedback topic in the global {@link ScoringTopology#FEEDBACK_STORE}: each record's bytes as they are, under
 * its key (a keyless record under its partition and offset), a tombstone deleting it.
 *
 * <p>Why a global store: labels are few (people write them) and every task needs the labels of its own entities,
 * which could be any; the feedback topic is not partitioned like the input. A global store gives every instance the
 * whole topic, and the compacted topic is its changelog: the store is rebuilt from it at start, so what the labels
 * change (the {@link dev.kade.incident.FeedbackBook}) is derived from the topic, the same in every task and after every
 * restart, and needs no changelog of its own. The bytes are stored unparsed, so a restore that bypasses this
 * processor fills the store identically; a task parses them ({@link FeedbackRouting}), and a bad record reaches the
 * dead-letter topic from there, since a global processor has no sink.
 */
final class FeedbackStoreProcessor implements Processor<String, byte[], Void, Void> {
    /** The global store it keeps: {@link ScoringTopology#FEEDBACK_STORE}, or the mute rules' {@link ScoringTopology#MUTE_STORE}. */
    private final String storeName;
    private KeyValueStore<String, byte[]> store;
    private ProcessorContext<Void, Void> context;

    FeedbackStoreProcessor() {
        this(ScoringTopology.FEEDBACK_STORE);
    }

    /** Keeps another compacted control topic the same way (the mute rules, {@code alerts.mute.topic}). */
    FeedbackStoreProcessor(String storeName) {
        this.storeName = storeName;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        this.context = context;
        this.store = context.getStateStore(storeName);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        String key = record.key();
        if (key == null) {
            key = context.recordMetadata().map(m -> "\0" + m.partition() + "/" + m.offset()).orElse("\0?");
        }
        if (record.value() == null) {
            store.delete(key);
        } else {
            store.put(key, record.value());
        }
    }
}
