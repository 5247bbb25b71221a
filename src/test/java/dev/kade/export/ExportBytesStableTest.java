package dev.kade.export;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl;
import dev.kade.features.DataSet;
import dev.kade.model.ModelKind;
import dev.kade.train.Fixtures;
import dev.kade.train.ProgressListener;
import dev.kade.train.TrainConfig;
import dev.kade.train.Trainer;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The same seed gives the same model file, byte for byte, in every JVM: node attributes are written in a fixed
 * order. They once came from {@code Map.of}, whose iteration order is salted per JVM, so two runs of
 * {@code kade train} with the same seed wrote the same weights but ReduceMean's {@code axes} and
 * {@code keepdims} in either order, and the files' hashes differed (found by the training benchmark's SHA-256).
 * One JVM cannot change its salt, so this holds the order itself: with {@code Map.of} it fails in about half of
 * the JVMs that run it.
 */
class ExportBytesStableTest {
    @Test
    void everyReduceMeanWritesItsAttributesInOneOrder() {
        DataSet data = Fixtures.correlated(300, 4, 5);
        TrainConfig config = Fixtures.quick(ModelKind.AE).toBuilder().ensemble(3).mixed(true).build();
        Clock clock = Clock.fixed(Instant.parse("2026-03-04T05:06:07Z"), ZoneOffset.UTC);
        OnnxMl.ModelProto proto = OnnxExporter.toProto(new Trainer(clock, 1).trainEnsemble(data, config, ProgressListener.NONE));

        List<OnnxMl.NodeProto> reduceMeans = proto.getGraph().getNodeList().stream()
                .filter(n -> n.getOpType().equals("ReduceMean")).toList();
        assertThat(reduceMeans).isNotEmpty();
        assertThat(reduceMeans).allSatisfy(n -> assertThat(n.getAttributeList()).extracting(OnnxMl.AttributeProto::getName)
                .containsExactly("axes", "keepdims"));
    }
}
