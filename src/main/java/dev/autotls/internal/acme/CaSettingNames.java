package dev.autotls.internal.acme;

/**
 * How the person gave the settings of one CA ({@code --ca} or {@code -Dautotls.ca}, its trust
 * setting), so a sentence about that CA names the form they typed. The acme package knows no
 * configuration: the composition root words these.
 *
 * @param ca    the CA list setting as given, e.g. {@code --ca}
 * @param trust this CA's trust setting as given, e.g. {@code --ca.trust} or {@code AUTOTLS_CA_2_TRUST}
 */
public record CaSettingNames(String ca, String trust) {

    /** Settings named by their keys, for tools and tests that build a client by hand. */
    public static CaSettingNames keys() {
        return new CaSettingNames("autotls.ca", "autotls.ca.trust");
    }
}
