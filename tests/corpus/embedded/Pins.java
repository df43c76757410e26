package corpus;

class Pins {
    // the pinned issuer certificate
    static final String PIN =
        "-----BEGIN CERTIFICATE-----\n" +
        "MIIBJTCBzKADAgECAgID+TAKBggqhkjOPQQDAjAcMRowGAYDVQQDDBFjb3JwdXMt\n" +
        "ZWMuZXhhbXBsZTAeFw0yNjAxMDEwMDAwMDBaFw0zNTEyMzAwMDAwMDBaMBwxGjAY\n" +
        "BgNVBAMMEWNvcnB1cy1lYy5leGFtcGxlMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcD\n" +
        "QgAEEzL60dDWNjvOkaRUhy1Iz2cecRot7VTHvTCcCF2Akf2o3o8ekElCsaxe8rVM\n" +
        "ouXfXhhW8colPJamU//1VowDPDAKBggqhkjOPQQDAgNIADBFAiB+zl2y7B2hSwjA\n" +
        "ML9Vl/dM060ryWwb698rP23uhPZF6AIhAIqAqWfegVrywIf9plg/BuLt/vFQT3Cb\n" +
        "ahqkC/y5tGQd\n" +
        "-----END CERTIFICATE-----\n";
}
