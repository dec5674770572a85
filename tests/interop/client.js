// Node.js's crypto.X509Certificate and tls on a certificate.
//   node client.js parse FILE.pem                  parse every certificate in the file
//   node client.js connect HOST PORT ROOT.pem NAME|-
//       handshake; the chain must lead to ROOT and name NAME ("-": the chain names no host, so
//       only the path is checked)
// It prints one line and exits 0 when everything it was asked to check held.
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const tls = require('tls');

function fail(msg) {
    console.log('error: ' + msg);
    process.exit(1);
}

function parse(file) {
    const pems = fs.readFileSync(file, 'latin1').match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g);
    if (!pems) fail('no certificate in ' + file);
    for (const pem of pems) {
        const cert = new crypto.X509Certificate(pem);
        cert.toLegacyObject(); // decodes the extensions too
    }
    console.log('parsed ' + pems.length + ' certificates');
}

function connect(host, port, root, name) {
    const options = { host, port: Number(port), ca: [fs.readFileSync(root)], timeout: 5000 };
    // The chain names no host: the path is still verified (rejectUnauthorized stays on).
    if (name === '-') options.checkServerIdentity = () => undefined;
    else if (name !== host) options.servername = name;
    const socket = tls.connect(options, () => {
        console.log('handshake ' + socket.getProtocol() + ', leaf ' + socket.getPeerCertificate().subject.CN);
        socket.end();
    });
    socket.on('timeout', () => fail('timeout'));
    socket.on('error', (e) => fail(e.code || e.message));
}

const [cmd, ...rest] = process.argv.slice(2);
try {
    if (cmd === 'parse' && rest.length === 1) parse(rest[0]);
    else if (cmd === 'connect' && rest.length === 4) connect(...rest);
    else fail('usage: client.js parse FILE | connect HOST PORT ROOT NAME|-');
} catch (e) {
    fail(e.code || e.message);
}
