package dev.kade.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.kade.lifecycle.Promotion;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kade promote} against a real HTTP endpoint serving a kade scrape. */
class PromoteCommandTest {
    @TempDir
    Path dir;

    private static HttpServer serve(String body) throws Exception {
        HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        s.createContext("/metrics", x -> {
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            x.sendResponseHeaders(200, b.length);
            x.getResponseBody().write(b);
            x.close();
        });
        s.start();
        return s;
    }

    private static String scrape(double records, double correlation) {
        return "kade_shadow_info{application=\"kade\",kind=\"ae\",version=\"ae-2\"} 1\n"
                + "kade_shadow_records_scored_total{application=\"kade\"} " + records + "\n"
                + "kade_shadow_alerts_total{application=\"kade\",model=\"champion\"} 50.0\n"
                + "kade_shadow_alerts_total{application=\"kade\",model=\"shadow\"} 55.0\n"
                + "kade_shadow_alert_overlap{application=\"kade\"} 0.8\n"
                + "kade_shadow_rank_correlation{application=\"kade\"} " + correlation + "\n";
    }

    @Test
    void promotesOnlyWhenTheCriteriaHoldAndRollsBack() throws Exception {
        Path model = Files.writeString(dir.resolve("model.onnx"), "champion");
        Path shadow = Files.writeString(dir.resolve("shadow.onnx"), "challenger");
        HttpServer weak = serve(scrape(20_000, 0.4));
        try {
            CliRun refused = CliRun.execute("promote", "--model", model.toString(), "--shadow", shadow.toString(),
                    "--metrics-url", "http://127.0.0.1:" + weak.getAddress().getPort() + "/metrics");
            assertThat(refused.exit()).isEqualTo(1);
            assertThat(refused.err()).contains("not promoted: rank correlation 0.400 below --min-rank-correlation 0.800");
            assertThat(Files.readString(model)).isEqualTo("champion");
        } finally {
            weak.stop(0);
        }
        HttpServer good = serve(scrape(20_000, 0.95));
        try {
            CliRun done = CliRun.execute("promote", "--model", model.toString(), "--shadow", shadow.toString(),
                    "--metrics-url", "http://127.0.0.1:" + good.getAddress().getPort() + "/metrics");
            assertThat(done.exit()).as(done.err()).isZero();
            assertThat(done.out()).contains("promoted").contains("shadow ae-2, 20000 records compared");
            assertThat(Files.readString(model)).isEqualTo("challenger");
            assertThat(Files.readString(Promotion.previous(model))).isEqualTo("champion");
        } finally {
            good.stop(0);
        }
        CliRun back = CliRun.execute("promote", "--rollback", "--model", model.toString());
        assertThat(back.exit()).as(back.err()).isZero();
        assertThat(Files.readString(model)).isEqualTo("champion");
        assertThat(Files.readAllLines(Promotion.log(model))).hasSize(2);
    }

    @Test
    void withoutMetricsOnlyForced() throws Exception {
        Path model = Files.writeString(dir.resolve("model.onnx"), "champion");
        Path shadow = Files.writeString(dir.resolve("shadow.onnx"), "challenger");
        CliRun unchecked = CliRun.execute("promote", "--model", model.toString(), "--shadow", shadow.toString());
        assertThat(unchecked.exit()).isEqualTo(2);
        assertThat(unchecked.err()).contains("--metrics-url").contains("--force");
        CliRun forced = CliRun.execute("promote", "--model", model.toString(), "--shadow", shadow.toString(), "--force");
        assertThat(forced.exit()).as(forced.err()).isZero();
        assertThat(forced.out()).contains("forced, no criteria");
    }
}
