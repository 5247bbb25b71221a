package dev.kade.cli;

import picocli.CommandLine;

/** Reads the version Maven wrote into the jar manifest, so `--version` never lies about the build. */
public final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = Main.class.getPackage().getImplementationVersion();
        return new String[] {"kade " + (v == null ? "development build" : v),
            "Java " + System.getProperty("java.version") + " on " + System.getProperty("os.name") + " " + System.getProperty("os.arch")};
    }
}
