<?php
// Session keys between a client and a server with libsodium's key exchange (ext/sodium).

function client_session_keys(string $serverPublicKey): array
{
    $clientKeyPair = sodium_crypto_kx_keypair();
    [$receiveKey, $transmitKey] = sodium_crypto_kx_client_session_keys($clientKeyPair, $serverPublicKey);
    return [sodium_crypto_kx_publickey($clientKeyPair), $receiveKey, $transmitKey];
}

function sealed_note(string $note, string $recipientPublicKey): string
{
    return sodium_crypto_box_seal($note, $recipientPublicKey);
}
