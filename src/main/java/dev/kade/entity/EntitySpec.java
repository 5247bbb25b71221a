package dev.kade.entity;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a record's entity and event time come from ({@code entity.fields}, {@code entity.time.field},
 * {@code entity.time.format}).
 *
 * <p>The entity is the record key when {@code entityFields} is empty, else the values of those JSON fields
 * (a composite when there are several). The event time is the record's timestamp when {@code timeField}
 * is empty, else that JSON field in {@code timeFormat}. Fields are looked up as features are (an exact
 * top-level name first, then a dotted path) and read in the same parse as the features
 * ({@link #sideFields()} is what the {@code RecordReader} reads beside them).
 *
 * <p>State lives in the store of the task that owns the record's partition, so all records of one entity
 * must arrive on one partition: true for the record-key entity under Kafka's default partitioning, and for
 * field entities when producers key records by the entity (or by something finer-grained that determines it).
 *
 * @param entityFields JSON fields naming the entity; empty for the record key
 * @param timeField    JSON field holding the event time; empty for the record timestamp
 * @param timeFormat   how the time field is written
 */
public record EntitySpec(List<String> entityFields, Optional<String> timeField, TimeFormat timeFormat) {
    /** The record key and the record timestamp. */
    public static final EntitySpec DEFAULT = new EntitySpec(List.of(), Optional.empty(), TimeFormat.AUTO);

    public EntitySpec {
        entityFields = List.copyOf(Objects.requireNonNull(entityFields, "entityFields"));
        Objects.requireNonNull(timeField, "timeField");
        Objects.requireNonNull(timeFormat, "timeFormat");
        for (String f : entityFields) {
            if (f.isBlank()) {
                throw new IllegalArgumentException("an entity field name is blank");
            }
        }
        if (entityFields.stream().distinct().count() != entityFields.size()) {
            throw new IllegalArgumentException("entity fields repeat a name: " + entityFields);
        }
        if (timeField.isPresent() && timeField.get().isBlank()) {
            throw new IllegalArgumentException("the time field name is blank");
        }
    }

    /** The fields to read beside the features: the entity fields, then the time field. */
    public List<String> sideFields() {
        List<String> out = new ArrayList<>(entityFields);
        timeField.ifPresent(out::add);
        return List.copyOf(out);
    }

    /**
     * The record's entity, from its key or from the side fields as {@code RecordReader} filled them;
     * empty when the key is null or a field is missing (the record is dead-lettered as {@code no_entity}).
     */
    public Optional<EntityKey> entity(byte[] key, String[] sides) {
        if (entityFields.isEmpty()) {
            return key == null ? Optional.empty() : Optional.of(EntityKey.ofRecordKey(key));
        }
        for (int j = 0; j < entityFields.size(); j++) {
            if (sides[j] == null) {
                return Optional.empty();
            }
        }
        return Optional.of(EntityKey.ofFields(entityFields, sides));
    }

    /** Why {@link #entity} found none, for the dead letter. */
    public String noEntityDetail(byte[] key, String[] sides) {
        if (entityFields.isEmpty()) {
            return "the record has no key, and the entity is the record key";
        }
        for (int j = 0; j < entityFields.size(); j++) {
            if (sides[j] == null) {
                return "entity field '" + entityFields.get(j) + "' is missing, null or not a scalar";
            }
        }
        return "the record has an entity";
    }

    /** The record's event time in epoch milliseconds: its timestamp, or the time field. */
    public long eventTime(long recordTimestamp, String[] sides) throws EventTimeException {
        if (timeField.isEmpty()) {
            return recordTimestamp;
        }
        return timeFormat.parse(timeField.get(), sides[entityFields.size()]);
    }
}
