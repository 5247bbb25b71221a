/**
 * Deliberately bad code for {@code dev.kade.ArchitectureTest}: each class breaks one package rule, so that
 * the test can show the rule reports it. Test code only; never part of the product.
 */
package dev.kade.archfixture;
