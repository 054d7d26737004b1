"""A small test PKI made with the openssl command: a root CA, an
intermediate CA, and leaf certificates (RSA or ECDSA, server or client)
issued by the intermediate.  Everything lives in one directory and is made
once per directory."""

import hashlib
import os
import subprocess


def _run(*args, **kw):
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kw)


class Leaf:
    def __init__(self, pki, name):
        d = pki.dir
        self.name = name
        self.cert_pem = os.path.join(d, name + ".pem")
        self.key_pem = os.path.join(d, name + ".key")
        self.cert_der = open(os.path.join(d, name + ".der"), "rb").read()
        self.key_pkcs8 = open(os.path.join(d, name + ".p8"), "rb").read()
        self.thumbprint = hashlib.sha1(self.cert_der).digest()
        self.chain_der = [pki.inter_der]
        self.pki = pki

    @property
    def hash_hex(self):
        return self.thumbprint.hex()

    def material(self):
        """What the driver sends for this certificate (enginectl.Engine.certs)."""
        return (self.cert_der, self.chain_der, self.key_pkcs8)

    def pfx(self, password):
        out = os.path.join(self.pki.dir, "%s-%s.pfx" % (self.name, hashlib.sha1(password.encode()).hexdigest()[:8]))
        if not os.path.exists(out):
            _run("openssl", "pkcs12", "-export", "-inkey", self.key_pem, "-in", self.cert_pem,
                 "-certfile", self.pki.inter_pem, "-passout", "pass:" + password, "-out", out)
        return open(out, "rb").read()


class Pki:
    def __init__(self, directory):
        self.dir = directory
        os.makedirs(directory, exist_ok=True)
        self.root_pem = os.path.join(directory, "root.pem")
        self.inter_pem = os.path.join(directory, "inter.pem")
        if not os.path.exists(self.inter_pem):
            self._make_cas()
        self.inter_der = self._der(self.inter_pem)
        self.root_der = self._der(self.root_pem)

    def _der(self, pem):
        return subprocess.run(["openssl", "x509", "-in", pem, "-outform", "DER"], check=True,
                              stdout=subprocess.PIPE).stdout

    def _ext(self, name, text):
        path = os.path.join(self.dir, name + ".ext")
        with open(path, "w") as f:
            f.write(text)
        return path

    def _make_cas(self):
        d = self.dir
        _run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", os.path.join(d, "root.key"),
             "-out", self.root_pem, "-days", "30", "-subj", "/C=US/O=httpsys tests/CN=httpsys Test Root CA",
             "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign")
        _run("openssl", "req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", os.path.join(d, "inter.key"),
             "-out", os.path.join(d, "inter.csr"), "-subj", "/C=US/O=httpsys tests/CN=httpsys Test Intermediate CA")
        ext = self._ext("inter", "basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\n"
                                 "subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n")
        _run("openssl", "x509", "-req", "-in", os.path.join(d, "inter.csr"), "-CA", self.root_pem,
             "-CAkey", os.path.join(d, "root.key"), "-CAcreateserial", "-out", self.inter_pem, "-days", "30",
             "-extfile", ext)

    def leaf(self, name, cn, key="rsa", dns=(), ips=(), client=False, extra_ext=""):
        """Issues (once) a certificate for cn with the given subject alternative names."""
        d = self.dir
        if not os.path.exists(os.path.join(d, name + ".p8")):
            keyfile = os.path.join(d, name + ".key")
            if key == "rsa":
                newkey = ["-newkey", "rsa:2048"]
            else:
                newkey = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:" + key]
            _run("openssl", "req", "-new", *newkey, "-nodes", "-keyout", keyfile, "-out", os.path.join(d, name + ".csr"),
                 "-subj", "/C=US/ST=Test State/O=httpsys tests/CN=" + cn)
            sans = ["DNS:" + n for n in dns] + ["IP:" + i for i in ips]
            text = "basicConstraints=CA:FALSE\nextendedKeyUsage=%s\n" % ("clientAuth" if client else "serverAuth")
            if sans:
                text += "subjectAltName=" + ",".join(sans) + "\n"
            text += extra_ext
            _run("openssl", "x509", "-req", "-in", os.path.join(d, name + ".csr"), "-CA", self.inter_pem,
                 "-CAkey", os.path.join(d, "inter.key"), "-CAcreateserial", "-out", os.path.join(d, name + ".pem"),
                 "-days", "30", "-extfile", self._ext(name, text))
            _run("openssl", "x509", "-in", os.path.join(d, name + ".pem"), "-outform", "DER",
                 "-out", os.path.join(d, name + ".der"))
            _run("openssl", "pkcs8", "-topk8", "-nocrypt", "-in", keyfile, "-outform", "DER",
                 "-out", os.path.join(d, name + ".p8"))
        return Leaf(self, name)
