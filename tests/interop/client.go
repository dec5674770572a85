// Command client reads certificates with Go's crypto/x509 and shakes hands with crypto/tls.
//
//	client parse FILE.pem                  parse every certificate in the file
//	client connect ADDR ROOT.pem NAME|-    handshake; the chain must lead to ROOT and name NAME
//	                                        ("-": the chain names no host, so only the path is checked)
//
// It prints one line and exits 0 when everything it was asked to check held.
package main

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"net"
	"os"
	"time"
)

func readPEM(path string) ([]*x509.Certificate, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var certs []*x509.Certificate
	for {
		var block *pem.Block
		block, data = pem.Decode(data)
		if block == nil {
			break
		}
		c, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, err
		}
		certs = append(certs, c)
	}
	if len(certs) == 0 {
		return nil, errors.New("no certificate in " + path)
	}
	return certs, nil
}

// verifyPath checks the presented chain against the root pool without a host name.
func verifyPath(roots *x509.CertPool) func([][]byte, [][]*x509.Certificate) error {
	return func(raw [][]byte, _ [][]*x509.Certificate) error {
		if len(raw) == 0 {
			return errors.New("no certificate presented")
		}
		var chain []*x509.Certificate
		for _, der := range raw {
			c, err := x509.ParseCertificate(der)
			if err != nil {
				return err
			}
			chain = append(chain, c)
		}
		inter := x509.NewCertPool()
		for _, c := range chain[1:] {
			inter.AddCert(c)
		}
		_, err := chain[0].Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter,
			KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}})
		return err
	}
}

func connect(addr, rootFile, name string) error {
	rootCerts, err := readPEM(rootFile)
	if err != nil {
		return err
	}
	roots := x509.NewCertPool()
	for _, c := range rootCerts {
		roots.AddCert(c)
	}
	cfg := &tls.Config{RootCAs: roots, ServerName: name}
	if name == "-" {
		// The chain names no host: Go's own check would fail on the name alone.
		cfg = &tls.Config{InsecureSkipVerify: true, VerifyPeerCertificate: verifyPath(roots)}
	}
	conn, err := tls.DialWithDialer(&net.Dialer{Timeout: 5 * time.Second}, "tcp", addr, cfg)
	if err != nil {
		return err
	}
	defer conn.Close()
	st := conn.ConnectionState()
	fmt.Printf("handshake TLS 0x%04x, %d certificates, leaf %q\n", st.Version,
		len(st.PeerCertificates), st.PeerCertificates[0].Subject.String())
	return nil
}

func main() {
	var err error
	switch {
	case len(os.Args) == 3 && os.Args[1] == "parse":
		var certs []*x509.Certificate
		if certs, err = readPEM(os.Args[2]); err == nil {
			fmt.Printf("parsed %d certificates, leaf %q\n", len(certs), certs[0].Subject.String())
		}
	case len(os.Args) == 5 && os.Args[1] == "connect":
		err = connect(os.Args[2], os.Args[3], os.Args[4])
	default:
		err = errors.New("usage: client parse FILE | client connect ADDR ROOT NAME|-")
	}
	if err != nil {
		fmt.Println("error:", err)
		os.Exit(1)
	}
}
