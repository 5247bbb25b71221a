package dev.kade.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * Stands in for {@code kade demo} in the production jar, which leaves the Kafka broker out (a production
 * image should not carry a broker, Scala and their dependencies): one line saying where the demo is, exit 2.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Not in this jar: the demo's in-process Kafka broker ships only in kade-demo.jar "
                + "(java -jar target/kade-demo.jar demo).")
final class DemoUnavailable implements Callable<Integer> {
    static final String MESSAGE = "kade demo: not in this jar, which has no Kafka broker; build and run the demo jar: "
            + "mvn -B -q package -DskipTests && java -jar target/kade-demo.jar demo";

    @Spec
    CommandSpec spec;

    /** Whatever demo options were given: none is checked, the answer is the same. */
    @Unmatched
    List<String> ignored;

    @Override
    public Integer call() {
        spec.commandLine().getErr().println(MESSAGE);
        return 2;
    }
}
