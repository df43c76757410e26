package com.example.warehouse;

import java.net.NetworkInterface;
import java.util.List;

/** Warehouse tools: words of cryptography, none of it is (one look-alike per family). */
public class LookalikeFamilies {
    static class ShelfKeyFactory {
        static String getInstance(String aisle) {
            return "shelf-" + aisle;
        }
    }

    static class Parcel {
        List<String> encapsulate(String item) {
            return List.of(item);
        }
    }

    String shelf() {
        return ShelfKeyFactory.getInstance("RSA");
    }

    List<String> pack(String item) {
        Parcel parcel = new Parcel();
        return parcel.encapsulate(item);
    }

    byte[] deviceId(NetworkInterface nic) throws Exception {
        byte[] mac = nic.getHardwareAddress();
        return mac;
    }

    String derive(String aisle) {
        // SecretKeyFactory.getInstance("PBKDF2WithHmacSHA1") lives in the login service
        return aisle.toUpperCase();
    }

    void connect() throws Exception {
        if (false) {
            javax.net.ssl.SSLContext.getInstance("TLSv1");
        }
    }

    String docs() {
        return "Use KEM.getInstance(\"ML-KEM\") for the new transport";
    }
}
