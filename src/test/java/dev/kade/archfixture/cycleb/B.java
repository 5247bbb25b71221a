package dev.kade.archfixture.cycleb;

/** With {@code cyclea.A}, breaks "no cycles". */
public final class B {
    private B() {
    }

    public static String name() {
        return dev.kade.archfixture.cyclea.A.name();
    }
}
