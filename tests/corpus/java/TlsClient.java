package com.example.net;

import com.jcraft.jsch.JSch;
import com.jcraft.jsch.Session;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

final class TlsClient {
    private static final String[] LEGACY_SUITES = {
        "TLS_RSA_WITH_AES_128_CBC_SHA",
        "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
    };

    SSLSocket connect(String host) throws Exception {
        SSLContext context = SSLContext.getInstance("TLSv1.2");
        context.init(null, null, null);
        SSLSocketFactory factory = context.getSocketFactory();
        SSLSocket socket = (SSLSocket) factory.createSocket(host, 443);
        socket.setEnabledProtocols(new String[] {"TLSv1.1", "TLSv1.2"});
        socket.setEnabledCipherSuites(LEGACY_SUITES);
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setNamedGroups(new String[] {"x25519", "secp256r1"});
        socket.setSSLParameters(parameters);
        return socket;
    }

    SSLContext modern() throws Exception {
        return SSLContext.getInstance("TLS");
    }

    Session router(JSch jsch, String host) throws Exception {
        Session session = jsch.getSession("admin", host, 22);
        session.setConfig("kex", "diffie-hellman-group1-sha1,diffie-hellman-group14-sha1");
        session.setConfig("server_host_key", "ssh-rsa");
        session.setConfig("StrictHostKeyChecking", "yes");
        return session;
    }
}
