package dev.kade.archfixture.cyclea;

/** With {@code cycleb.B}, breaks "no cycles". */
public final class A {
    private A() {
    }

    public static String name() {
        return dev.kade.archfixture.cycleb.B.class.getName();
    }
}
