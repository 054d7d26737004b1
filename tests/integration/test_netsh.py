#!/usr/bin/env python3
"""netsh http in a real Wine prefix: every command of the HTTP context over
the configuration API, compared with what Windows' netsh prints (messages,
the show layouts line by line, exit codes), parsing variants (case, quotes,
braces, positional values, abbreviations), round trips through the store,
and that a command that fails changes nothing.

usage: test_netsh.py PREFIX BUILD_DIR
Ends with "RESULT <passed> <failed>"."""

import difflib
import os
import shlex
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from checks import check, report  # noqa: E402
from winenv import Prefix  # noqa: E402

PARAMS = r"HKLM\System\CurrentControlSet\Services\HTTP\Parameters"
APPID = "{00112233-4455-6677-8899-aabbccddeeff}"
APPID_UPPER = "{00112233-4455-6677-8899-AABBCCDDEEFF}"
OTHER_APPID = "{4dc3e181-e14b-4a21-b022-59fc669b0914}"
UNKNOWN_HASH = "0102030405060708090a0b0c0d0e0f1011121314"

# Ports and names no other suite uses
CCS_PORT = "47443"
CCS_PORT2 = "47444"
IP_KEY = "0.0.0.0:47445"
SNI_KEY = "netsh-test.example:47446"
IP6_KEY = "[::1]:47447"
SEED_IP = "127.0.0.1:47448"
SEED_SNI = "netsh-seed.example:47449"
URL1 = "http://+:47001/netsh-test/"
URL2 = "http://+:47002/netsh-test/"
URL3 = "http://+:47003/netsh-test/"
URL4 = "http://localhost:47004/netsh-test/"
URL5 = "https://+:47005/netsh-test/"

BAD = "The parameter is incorrect.\n\n"
NOT_FOUND = "The system cannot find the file specified."
EXISTS = "Cannot create a file when that file already exists."
SSL_HEADER = "\nSSL Certificate bindings:\n-------------------------\n\n"
URL_HEADER = "\nURL Reservations: \n----------------- \n\n"
IPLISTEN_HEADER = "\nIP addresses present in the IP listen list:\n-------------------------------------------\n\n"


def ok(message):
    return "\n%s\n\n" % message


def failed(what, code, text):
    return "\n%s, Error: %d\n%s\n\n" % (what, code, text)


class Netsh:
    def __init__(self, pfx):
        self.pfx = pfx

    def run(self, *args):
        return self.pfx.run("netsh", *args, timeout=120)

    def http(self, *args):
        return self.run("http", *args)


def same_text(got, want, what):
    """One check: got == want, with a line diff printed when not."""
    if got == want:
        return check(True, what)
    diff = "\n".join(difflib.unified_diff(want.split("\n"), got.split("\n"), "expected", "netsh", lineterm=""))
    return check(False, "%s\n%s" % (what, diff))


def expect(nsh, args, rc, text, what):
    """Two checks: the exact output and the exit code."""
    got_rc, got = nsh.http(*args)
    same_text(got, text, "%s: output" % what)
    check(got_rc == rc, "%s: exit code %r (wanted %r)" % (what, got_rc, rc))
    return got


def expect_contains(nsh, args, rc, pieces, what):
    got_rc, got = nsh.http(*args)
    for piece in pieces:
        check(piece in got, "%s: output has %r (got %r)" % (what, piece, got))
    check(got_rc == rc, "%s: exit code %r (wanted %r)" % (what, got_rc, rc))
    return got


def ssl_block(label, key, certhash="", appid=APPID, store="(null)", verify="Enabled", cached="Disabled",
              usage="Enabled", freshness=0, retrieval=0, ctl_id="(null)", ctl_store="(null)", dsmapper="Disabled",
              negotiate="Disabled", reject="Disabled", flags=(), extended=""):
    """The block show sslcert prints for one binding (Windows 10/11 layout)."""
    names = [("Disable HTTP2", "disablehttp2"), ("Disable QUIC", "disablequic"), ("Disable TLS1.2", "disabletls12"),
             ("Disable TLS1.3", "disabletls13"), ("Disable OCSP Stapling", "disableocspstapling"),
             ("Enable Token Binding", "enabletokenbinding"), ("Log Extended Events", "logextendedevents"),
             ("Disable Legacy TLS Versions", "disablelegacytls"), ("Enable Session Ticket", "enablesessionticket"),
             ("Disable Session ID", "disablesessionid"), ("Enable Caching Client Hello", "cacheclienthello")]
    lines = [(label, key), ("Certificate Hash", certhash), ("Application ID", appid), ("Certificate Store Name", store),
             ("Verify Client Certificate Revocation", verify),
             ("Verify Revocation Using Cached Client Certificate Only", cached), ("Usage Check", usage),
             ("Revocation Freshness Time", str(freshness)), ("URL Retrieval Timeout", str(retrieval)),
             ("Ctl Identifier", ctl_id), ("Ctl Store Name", ctl_store), ("DS Mapper Usage", dsmapper),
             ("Negotiate Client Certificate", negotiate), ("Reject Connections", reject)]
    lines += [(label_, "Set" if flag in flags else "Not Set") for label_, flag in names]
    return "".join("    %-28s : %s\n" % line for line in lines) + extended + "\n"


def show_one(block):
    return SSL_HEADER + block + "\n"


# ---------------------------------------------------------------------------------------------
# help and command lookup
# ---------------------------------------------------------------------------------------------

HTTP_HELP = """
The following commands are available:

Commands in this context:
?              - Displays a list of commands.
add            - Adds a configuration entry to a table.
delete         - Deletes a configuration entry from a table.
dump           - Displays a configuration script.
flush          - Flushes internal data.
help           - Displays a list of commands.
show           - Displays information.
update         - Updates a configuration entry to a table.

To view help for a command, type the command, followed by a space, and then
 type ?.

"""

ADD_HELP = """
The following commands are available:

Commands in this context:
add cacheparam - Adds an HTTP service cache parameter
add iplisten   - Adds an IP address to the IP listen list. 
add setting    - Adds a global setting to the service.
add sslcert    - Adds an SSL server certificate binding.
add timeout    - Adds a global timeout to the service.
add urlacl     - Adds an URL reservation entry. 

"""

GROUP_LINES = {
    "delete": ["delete cache   - Deletes entries from the HTTP service kernel URI cache.\n",
               "delete iplisten - Deletes an IP address from the IP listen list. \n",
               "delete sslcert - Deletes SSL certificate bindings.\n",
               "delete timeout - Deletes a global timeout. \n",
               "delete urlacl  - Deletes a URL reservation. \n"],
    "show": ["show cacheparam - Shows the cache parameters of HTTP service .\n",
             "show cachestate - Lists cached URI resources and their associated properties.\n",
             "show iplisten  - Displays all the IP addresses in the IP listen list.\n",
             "show servicestate - Shows a snapshot of the HTTP service.\n",
             "show sslcert   - Displays SSL certificate bindings. \n",
             "show timeout   - Shows the timeout values of the service.\n",
             "show urlacl    - Displays URL namespace reservations. \n"],
    "flush": ["flush logbuffer - Flushes the internal buffers for the log files.\n"],
    "update": ["update sslcert - Updates an SSL server certificate binding.\n", "update sslpropertyex - "],
}

COMMANDS = ["add cacheparam", "add iplisten", "add setting", "add sslcert", "add timeout", "add urlacl",
            "delete cache", "delete cacheparam", "delete iplisten", "delete setting", "delete sslcert",
            "delete timeout", "delete urlacl", "flush logbuffer", "show cacheparam", "show cachestate",
            "show iplisten", "show servicestate", "show setting", "show sslcert", "show timeout", "show urlacl",
            "update sslcert", "update sslpropertyex", "dump"]


def test_help(nsh):
    expect(nsh, ["?"], 0, HTTP_HELP, "netsh http ?")
    expect(nsh, ["help"], 0, HTTP_HELP, "netsh http help")
    rc, out = nsh.run("http")
    check(rc == 0 and out == HTTP_HELP, "netsh http alone lists the commands")
    expect(nsh, ["add", "?"], 0, ADD_HELP, "netsh http add ?")
    expect(nsh, ["ADD", "HELP"], 0, ADD_HELP, "netsh http ADD HELP")
    for group, lines in GROUP_LINES.items():
        expect_contains(nsh, [group, "?"], 0, lines, "netsh http %s ?" % group)
    for command in COMMANDS:
        words = command.split()
        got = expect_contains(nsh, words + ["?"], 0, ["\nUsage: %s" % command], "netsh http %s ?" % command)
        if command not in ("dump", "flush logbuffer", "show iplisten", "show timeout", "show cacheparam",
                           "show setting"):
            check("Parameters:" in got and "Examples:" in got, "%s ? has Parameters and Examples" % command)
        check("Remarks:" in got, "%s ? has Remarks" % command)
    got_rc, usage = nsh.http("add", "sslcert", "?")
    check(usage.startswith("\nUsage: add sslcert hostnameport=<name:port> | ipport=<ipaddr:port> | ccs=<port>\n"
                           "        appid=<GUID>\n        [certhash=<string>]\n"),
          "add sslcert ? starts with Windows' usage lines (%r)" % usage[:200])
    for switch in ("verifyclientcertrevocation", "verifyrevocationwithcachedclientcertonly", "usagecheck",
                   "revocationfreshnesstime", "urlretrievaltimeout", "sslctlidentifier", "sslctlstorename",
                   "dsmapperusage", "clientcertnegotiation", "reject", "disablehttp2", "disablequic",
                   "disablelegacytls", "disabletls12", "disabletls13", "disableocspstapling", "enabletokenbinding",
                   "logextendedevents", "enablesessionticket", "disablesessionid"):
        check("[%s=" % switch in usage, "add sslcert ? lists %s" % switch)
    expect(nsh, ["add", "sslcert", "help"], 0, usage, "add sslcert help is add sslcert ?")
    expect(nsh, ["add", "sslcert", "ccs=1", "?"], 0, usage, "? among parameters shows the usage")
    rc, out = nsh.pfx.run("netsh", "http", "show", "sslcert", "/?")
    check(rc == 0 and out.startswith("\nUsage: show sslcert"), "/? also asks for help")
    rc, out = nsh.run()
    check(rc == 0 and "Usage: netsh" in out and "http           - Changes to the `netsh http' context." in out,
          "netsh alone prints its usage")
    rc, out = nsh.run("?")
    check(rc == 0 and "Usage: netsh" in out, "netsh ? prints its usage")

    expect(nsh, ["frobnicate"], 1, "The following command was not found: http frobnicate.\n", "unknown command")
    expect(nsh, ["add", "frob", "x=1"], 1, "The following command was not found: http add frob x=1.\n",
           "unknown command in a group")
    expect(nsh, ["d", "x"], 1, "The following command was not found: http d x.\n",
           "an ambiguous abbreviation (delete, dump) is not a command")
    rc, out = nsh.run("frob")
    check(rc == 1 and out == "The following command was not found: frob.\n", "unknown context (%r)" % out)


# ---------------------------------------------------------------------------------------------
# parameters netsh rejects before calling the API
# ---------------------------------------------------------------------------------------------

def test_parsing_errors(nsh):
    add = ["add", "sslcert"]
    for args, what in (
        (["ccs=" + CCS_PORT, "appid=" + APPID, "certhash=0102030405060708090A0B0C0D0E0F10111213"], "a 39-digit certhash"),
        (["ccs=" + CCS_PORT, "appid=" + APPID, "certhash=0102030405060708090A0B0C0D0E0F10111213ZZ"], "a non-hex certhash"),
        (["ccs=" + CCS_PORT, "appid={00112233-4455-6677-8899}"], "a short appid"),
        (["ccs=" + CCS_PORT, "appid='" + APPID + "'"], "an appid in single quotes"),
        (["ccs=" + CCS_PORT, "appid=" + APPID + "x"], "an appid with a trailing character"),
        (["ipport=0.0.0.0", "appid=" + APPID, "certhash=" + UNKNOWN_HASH], "an ipport without port"),
        (["ipport=0.0.0.0:", "appid=" + APPID, "certhash=" + UNKNOWN_HASH], "an ipport with an empty port"),
        (["ipport=1.2.3:443", "appid=" + APPID, "certhash=" + UNKNOWN_HASH], "a three-part IPv4 address"),
        (["ipport=0.0.0.0:70000", "appid=" + APPID, "certhash=" + UNKNOWN_HASH], "a port above 65535"),
        (["ipport=::1:443", "appid=" + APPID, "certhash=" + UNKNOWN_HASH], "an IPv6 ipport without brackets"),
        (["hostnameport=netsh-test.example", "appid=" + APPID], "a hostnameport without port"),
        (["hostnameport=:443", "appid=" + APPID], "a hostnameport without name"),
        (["ccs=port", "appid=" + APPID], "a ccs that is not a number"),
        (["ccs=0", "appid=" + APPID], "ccs=0"),
        (["ccs=" + CCS_PORT, "ipport=" + IP_KEY, "appid=" + APPID], "two binding keys"),
        (["ccs=" + CCS_PORT, "appid=" + APPID, "frob=1"], "an unknown tag"),
        (["ccs=" + CCS_PORT, "appid=" + APPID, "appid=" + APPID], "a repeated tag"),
        (["ccs=" + CCS_PORT, "appid=" + APPID, "usagecheck=maybe"], "usagecheck=maybe"),
        (["ccs=" + CCS_PORT, "appid=" + APPID, "disablehttp2=yes"], "disablehttp2=yes (enable|disable only)"),
        (["ccs=" + CCS_PORT, "appid=" + APPID, "revocationfreshnesstime=abc"], "a non-numeric freshness time"),
        (["ccs=" + CCS_PORT, "appid=" + APPID, "urlretrievaltimeout=-1"], "a negative retrieval timeout"),
        (["ccs=" + CCS_PORT, "appid=" + APPID, "urlretrievaltimeout=4294967296"], "a retrieval timeout over 32 bits"),
        (["ccs=" + CCS_PORT, "appid="], "an empty value"),
    ):
        expect(nsh, add + args, 1, BAD, "add sslcert with %s" % what)
    expect(nsh, ["show", "sslcert", "ccs=" + CCS_PORT], 1, SSL_HEADER + NOT_FOUND + "\n\n",
           "none of the rejected add sslcert commands created the binding")

    got = expect_contains(nsh, add + ["appid=" + APPID], 1, ["\nUsage: add sslcert "], "add sslcert without a binding key")
    check("Examples:" in got, "a missing key prints the whole usage")
    expect_contains(nsh, add + ["ccs=" + CCS_PORT], 1, ["\nUsage: add sslcert "], "add sslcert without appid")
    expect_contains(nsh, ["delete", "sslcert"], 1, ["\nUsage: delete sslcert "], "delete sslcert without a key")
    expect_contains(nsh, ["update", "sslcert"], 1, ["\nUsage: update sslcert "], "update sslcert without a key")
    expect(nsh, ["delete", "sslcert", "ipport=localhost:443"], 1, BAD, "delete sslcert with a host name as ipport")
    expect(nsh, ["show", "sslcert", "ipport=[::1]"], 1, BAD, "show sslcert with a v6 ipport without port")
    expect(nsh, ["show", "sslcert", "json=maybe"], 1, BAD, "show sslcert json=maybe")
    expect(nsh, ["update", "sslpropertyex", "ccs=" + CCS_PORT, "propertyid=0"], 1, BAD,
           "sslpropertyex propertyid=0 without receivewindow")
    expect(nsh, ["update", "sslpropertyex", "ccs=" + CCS_PORT, "propertyid=1", "maxsettingsperframe=1"], 1, BAD,
           "sslpropertyex propertyid=1 without maxsettingsperminute")
    expect(nsh, ["update", "sslpropertyex", "ccs=" + CCS_PORT, "propertyid=7", "receivewindow=1"], 1, BAD,
           "sslpropertyex with an unknown propertyid")
    expect(nsh, ["update", "sslpropertyex", "ccs=" + CCS_PORT, "propertyid=0", "receivewindow=1",
                 "maxsettingsperframe=1"], 1, BAD, "sslpropertyex mixing the two properties")
    expect_contains(nsh, ["update", "sslpropertyex", "ccs=" + CCS_PORT], 1, ["\nUsage: update sslpropertyex"],
                    "sslpropertyex without propertyid")

    for args, what in (
        (["url=" + URL1, "user=Everyone", "listen=no", "delegate=no"], "listen=no delegate=no"),
        (["url=" + URL1, "user=Everyone", "listen=maybe"], "listen=maybe"),
        (["url=" + URL1, "user=Everyone", "delegate=1"], "delegate=1"),
        (["url=" + URL1, "user=Everyone", "sddl=D:(A;;GX;;;WD)"], "both user and sddl"),
        (["url=" + URL1, "sddl=D:(A;;GX;;;WD)", "listen=yes"], "sddl with listen"),
        (["url=" + URL1, "user=Everyone", "frob=1"], "an unknown tag"),
        ([URL1, "Everyone", "yes", "no", "D:(A;;GX;;;WD)", "extra"], "too many positional values"),
    ):
        expect(nsh, ["add", "urlacl"] + args, 1, BAD, "add urlacl with %s" % what)
    expect_contains(nsh, ["add", "urlacl", "url=" + URL1], 1, ["\nUsage: add urlacl "], "add urlacl without user or sddl")
    expect_contains(nsh, ["add", "urlacl"], 1, ["\nUsage: add urlacl "], "add urlacl without anything")
    expect(nsh, ["add", "urlacl", "url=" + URL1, "user=netsh-no-such-user"], 1,
           failed("Create SDDL failed", 1332, "No mapping between account names and security IDs was done."),
           "add urlacl for a user that does not exist")
    expect_contains(nsh, ["delete", "urlacl"], 1, ["\nUsage: delete urlacl "], "delete urlacl without url")
    expect(nsh, ["show", "urlacl", "url=" + URL1], 1, URL_HEADER + NOT_FOUND + "\n\n",
           "none of the rejected add urlacl commands created the reservation")

    expect(nsh, ["add", "iplisten", "ipaddress=999.1.1.1"], 1, BAD, "add iplisten with a bad address")
    expect(nsh, ["add", "iplisten", "ipaddress=localhost"], 1, BAD, "add iplisten with a name")
    expect_contains(nsh, ["add", "iplisten"], 1, ["\nUsage: add iplisten "], "add iplisten without address")
    expect(nsh, ["add", "timeout", "timeouttype=idleconnectiontimeout", "value=70000"], 1, BAD,
           "add timeout above 65535")
    expect(nsh, ["add", "timeout", "timeouttype=idleconnectiontimeout", "value=0x10000"], 1, BAD,
           "add timeout 0x10000")
    expect(nsh, ["add", "timeout", "timeouttype=idleconnectiontimeout", "value=12s"], 1, BAD,
           "add timeout with a unit")
    expect(nsh, ["add", "timeout", "timeouttype=entitybody", "value=5"], 1, BAD, "add timeout with an unknown type")
    expect_contains(nsh, ["add", "timeout", "timeouttype=idleconnectiontimeout"], 1, ["\nUsage: add timeout "],
                    "add timeout without value")
    expect(nsh, ["add", "cacheparam", "type=frob", "value=5"], 1, BAD, "add cacheparam with an unknown type")
    expect(nsh, ["add", "setting", "settingtype=frob", "value=5"], 1, BAD, "add setting with an unknown type")
    expect(nsh, ["delete", "timeout", "timeouttype=frob"], 1, BAD, "delete timeout with an unknown type")
    expect(nsh, ["show", "timeout", "extra"], 1, BAD, "show timeout takes no parameter")
    expect(nsh, ["show", "iplisten", "x=1"], 1, BAD, "show iplisten takes no parameter")
    expect(nsh, ["flush", "logbuffer", "now"], 1, BAD, "flush logbuffer takes no parameter")
    expect(nsh, ["delete", "cache", "recursive=perhaps"], 1, BAD, "delete cache recursive=perhaps")
    expect_contains(nsh, ["show", "servicestate", "view=nonsense"], 1, ["The parameter is incorrect."],
                    "show servicestate with a bad view")
    expect_contains(nsh, ["show", "servicestate", "verbose=maybe"], 1, ["The parameter is incorrect."],
                    "show servicestate with a bad verbose")


# ---------------------------------------------------------------------------------------------
# SSL bindings
# ---------------------------------------------------------------------------------------------

CCS_BLOCK = """\
    Central Certificate Store    : 47443
    Certificate Hash             : 
    Application ID               : {00112233-4455-6677-8899-aabbccddeeff}
    Certificate Store Name       : (null)
    Verify Client Certificate Revocation : Enabled
    Verify Revocation Using Cached Client Certificate Only : Disabled
    Usage Check                  : Enabled
    Revocation Freshness Time    : 0
    URL Retrieval Timeout        : 0
    Ctl Identifier               : (null)
    Ctl Store Name               : (null)
    DS Mapper Usage              : Disabled
    Negotiate Client Certificate : Disabled
    Reject Connections           : Disabled
    Disable HTTP2                : Not Set
    Disable QUIC                 : Not Set
    Disable TLS1.2               : Not Set
    Disable TLS1.3               : Not Set
    Disable OCSP Stapling        : Not Set
    Enable Token Binding         : Not Set
    Log Extended Events          : Not Set
    Disable Legacy TLS Versions  : Not Set
    Enable Session Ticket        : Not Set
    Disable Session ID           : Not Set
    Enable Caching Client Hello  : Not Set

"""

CCS_UPDATED_BLOCK = """\
    Central Certificate Store    : 47443
    Certificate Hash             : 
    Application ID               : {00112233-4455-6677-8899-aabbccddeeff}
    Certificate Store Name       : (null)
    Verify Client Certificate Revocation : Enabled
    Verify Revocation Using Cached Client Certificate Only : Disabled
    Usage Check                  : Enabled
    Revocation Freshness Time    : 0
    URL Retrieval Timeout        : 0
    Ctl Identifier               : (null)
    Ctl Store Name               : (null)
    DS Mapper Usage              : Disabled
    Negotiate Client Certificate : Disabled
    Reject Connections           : Enabled
    Disable HTTP2                : Set
    Disable QUIC                 : Not Set
    Disable TLS1.2               : Not Set
    Disable TLS1.3               : Not Set
    Disable OCSP Stapling        : Not Set
    Enable Token Binding         : Not Set
    Log Extended Events          : Not Set
    Disable Legacy TLS Versions  : Not Set
    Enable Session Ticket        : Not Set
    Disable Session ID           : Not Set
    Enable Caching Client Hello  : Not Set
 Extended Properties:
    PropertyId                   : 0
    Receive Window               : 65536
 Extended Properties:
    PropertyId                   : 1
    Max Settings Per Frame       : 100
    Max Settings Per Minute      : 1000

"""

EXTENDED = """\
 Extended Properties:
    PropertyId                   : 0
    Receive Window               : 65536
 Extended Properties:
    PropertyId                   : 1
    Max Settings Per Frame       : 100
    Max Settings Per Minute      : 1000
"""

ALL_SWITCHES = ["verifyclientcertrevocation=disable", "verifyrevocationwithcachedclientcertonly=enable",
                "usagecheck=disable", "revocationfreshnesstime=3600", "urlretrievaltimeout=5000",
                "sslctlidentifier=NetshCtl", "sslctlstorename=CA", "dsmapperusage=enable",
                "clientcertnegotiation=enable", "reject=enable", "disablehttp2=enable", "disablequic=enable",
                "disablelegacytls=enable", "disabletls12=enable", "disabletls13=enable",
                "disableocspstapling=enable", "enabletokenbinding=enable", "logextendedevents=enable",
                "enablesessionticket=enable", "disablesessionid=enable"]
ALL_FLAGS = ("disablehttp2", "disablequic", "disabletls12", "disabletls13", "disableocspstapling",
             "enabletokenbinding", "logextendedevents", "disablelegacytls", "enablesessionticket", "disablesessionid")


def test_sslcert_ccs(nsh, tmp):
    """Central-store bindings need no certificate: the whole cycle."""
    expect(nsh, ["add", "sslcert", "ccs=" + CCS_PORT, "appid=" + APPID_UPPER], 0,
           ok("SSL Certificate successfully added"), "add sslcert ccs")
    expect(nsh, ["show", "sslcert", "ccs=" + CCS_PORT], 0, show_one(CCS_BLOCK), "show sslcert ccs (Windows layout)")
    expect(nsh, ["show", "sslcert", "ccs=" + CCS_PORT], 0, show_one(ssl_block("Central Certificate Store", CCS_PORT)),
           "show sslcert ccs matches the layout builder")
    expect(nsh, ["add", "sslcert", "ccs=" + CCS_PORT, "appid=" + OTHER_APPID], 1,
           failed("SSL Certificate add failed", 183, EXISTS), "add sslcert on an existing binding")
    expect(nsh, ["show", "sslcert", "ccs=" + CCS_PORT], 0, show_one(CCS_BLOCK),
           "the failed add left the binding as it was")
    # a failed update (bad value) changes nothing either
    expect(nsh, ["update", "sslcert", "ccs=" + CCS_PORT, "reject=enable", "disablequic=perhaps"], 1, BAD,
           "update sslcert with one bad switch")
    expect(nsh, ["show", "sslcert", "ccs=" + CCS_PORT], 0, show_one(CCS_BLOCK), "the rejected update changed nothing")

    expect(nsh, ["update", "sslcert", "ccs=" + CCS_PORT, "reject=enable", "disablehttp2=enable"], 0,
           ok("SSL Certificate successfully updated"), "update sslcert ccs")
    expect(nsh, ["update", "sslpropertyex", "ccs=" + CCS_PORT, "propertyid=0", "receivewindow=1048576"], 0,
           ok("SSL Certificate successfully updated"), "update sslpropertyex receive window (new)")
    expect(nsh, ["update", "sslpropertyex", "ccs=" + CCS_PORT, "propertyid=0", "receivewindow=0x10000"], 0,
           ok("SSL Certificate successfully updated"), "update sslpropertyex receive window (replaced, hex)")
    expect(nsh, ["update", "sslpropertyex", "ccs=" + CCS_PORT, "propertyid=1", "maxsettingsperframe=100",
                 "maxsettingsperminute=1000"], 0, ok("SSL Certificate successfully updated"),
           "update sslpropertyex settings limits")
    expect(nsh, ["show", "sslcert", "ccs=" + CCS_PORT], 0, show_one(CCS_UPDATED_BLOCK),
           "show after update: the switches given, the rest kept, the extended properties")
    expect(nsh, ["update", "sslcert", "ccs=" + CCS_PORT, "reject=disable", "disablehttp2=disable",
                 "appid=" + OTHER_APPID], 0, ok("SSL Certificate successfully updated"), "update sslcert back")
    expect(nsh, ["show", "sslcert", "ccs=" + CCS_PORT], 0,
           show_one(ssl_block("Central Certificate Store", CCS_PORT, appid=OTHER_APPID, extended=EXTENDED)),
           "show after the second update")

    # every switch, and the tags in any case
    expect(nsh, ["ADD", "SSLCERT", "CCS=" + CCS_PORT2, "AppId=00112233-4455-6677-8899-AABBCCDDEEFF"]
           + [s.upper() for s in ALL_SWITCHES], 0, ok("SSL Certificate successfully added"),
           "add sslcert with every switch, upper-case, appid without braces")
    all_block = ssl_block("Central Certificate Store", CCS_PORT2, verify="Disabled", cached="Enabled",
                          usage="Disabled", freshness=3600, retrieval=5000, ctl_id="NETSHCTL", ctl_store="CA",
                          dsmapper="Enabled", negotiate="Enabled", reject="Enabled", flags=ALL_FLAGS)
    expect(nsh, ["show", "sslcert", "ccs=" + CCS_PORT2], 0, show_one(all_block), "show: every switch mapped")
    expect(nsh, ["update", "sslcert", "ccs=" + CCS_PORT2] + [s.replace("=enable", "=X").replace("=disable", "=enable")
                                                             .replace("=X", "=disable") for s in ALL_SWITCHES
                                                             if "=" in s and s.split("=")[1] in ("enable", "disable")],
           0, ok("SSL Certificate successfully updated"), "update sslcert turning every switch around")
    expect(nsh, ["show", "sslcert", "ccs=" + CCS_PORT2], 0,
           show_one(ssl_block("Central Certificate Store", CCS_PORT2, freshness=3600, retrieval=5000,
                              ctl_id="NETSHCTL", ctl_store="CA")), "show: every switch turned around")
    expect(nsh, ["update", "sslcert", "ccs=" + CCS_PORT2, "revocationfreshnesstime=0"], 0,
           ok("SSL Certificate successfully updated"), "update revocationfreshnesstime=0")
    expect(nsh, ["show", "sslcert", "ccs=" + CCS_PORT2], 0,
           show_one(ssl_block("Central Certificate Store", CCS_PORT2, retrieval=5000, ctl_id="NETSHCTL",
                              ctl_store="CA")), "show: freshness back to 0")

    # quotes as cmd.exe passes them: the C runtime removes them
    rc, out = run_batch(nsh.pfx, tmp, 'netsh http delete sslcert "ccs=%s"' % CCS_PORT2)
    check(rc == 0 and out == ok("SSL Certificate successfully deleted"), "delete sslcert \"ccs=...\" from cmd (%r)" % out)
    rc, out = run_batch(nsh.pfx, tmp, 'netsh http add sslcert ccs=%s appid="%s"' % (CCS_PORT2, APPID))
    check(rc == 0 and out == ok("SSL Certificate successfully added"), "appid=\"{...}\" from cmd (%r)" % out)
    rc, out = run_batch(nsh.pfx, tmp, 'netsh http show sslcert "ccs=%s"' % CCS_PORT2)
    check(rc == 0 and out == show_one(ssl_block("Central Certificate Store", CCS_PORT2)),
          "the binding added from cmd (%r)" % out)
    # quotes left in the argument (a caller that quotes for a shell and then runs netsh directly)
    expect(nsh, ["delete", "sslcert", '"ccs=%s"' % CCS_PORT2], 1, BAD,
           "a whole tag=value in quotes is not a tag")
    expect(nsh, ["delete", "sslcert", 'ccs="%s"' % CCS_PORT2], 0, ok("SSL Certificate successfully deleted"),
           "quotes around a value are dropped")

    expect(nsh, ["delete", "sslcert", "ccs=" + CCS_PORT], 0, ok("SSL Certificate successfully deleted"),
           "delete sslcert ccs")
    expect(nsh, ["show", "sslcert", "ccs=" + CCS_PORT], 1, SSL_HEADER + NOT_FOUND + "\n\n", "show after delete")
    expect(nsh, ["delete", "sslcert", "ccs=" + CCS_PORT], 1, failed("SSL Certificate deletion failed", 2, NOT_FOUND),
           "delete sslcert of a missing binding")
    expect(nsh, ["update", "sslcert", "ccs=" + CCS_PORT, "reject=enable"], 1,
           failed("SSL Certificate update failed", 2, NOT_FOUND), "update sslcert of a missing binding")
    expect(nsh, ["update", "sslpropertyex", "ccs=" + CCS_PORT, "propertyid=0", "receivewindow=1"], 1,
           failed("SSL Certificate update failed", 2, NOT_FOUND), "update sslpropertyex of a missing binding")
    expect(nsh, ["show", "sslcert", "ccs=" + CCS_PORT], 1, SSL_HEADER + NOT_FOUND + "\n\n",
           "the failed updates did not create the binding")


def reg(pfx, *args):
    rc, _ = pfx.run("reg", *args)
    return rc


def seed_bindings(pfx):
    """Bindings as a .reg exported from Windows carries them: the API reads
    them without the certificate being in the store."""
    ip, sni = PARAMS + "\\SslBindingInfo\\" + SEED_IP, PARAMS + "\\SslSniBindingInfo\\" + SEED_SNI
    rcs = [reg(pfx, "add", ip, "/v", "SslCertHash", "/t", "REG_BINARY", "/d", UNKNOWN_HASH, "/f"),
           reg(pfx, "add", ip, "/v", "AppId", "/t", "REG_BINARY", "/d", "81e1c34d4be1214ab02259fc669b0914", "/f"),
           reg(pfx, "add", ip, "/v", "SslCertStoreName", "/t", "REG_SZ", "/d", "My", "/f"),
           reg(pfx, "add", ip, "/v", "DefaultSslCertCheckMode", "/t", "REG_DWORD", "/d", "65543", "/f"),
           reg(pfx, "add", ip, "/v", "DefaultSslRevocationFreshnessTime", "/t", "REG_DWORD", "/d", "60", "/f"),
           reg(pfx, "add", ip, "/v", "DefaultFlags", "/t", "REG_DWORD", "/d", "3", "/f"),
           reg(pfx, "add", sni, "/v", "SslCertHash", "/t", "REG_BINARY", "/d", UNKNOWN_HASH, "/f"),
           reg(pfx, "add", sni, "/v", "SslCertStoreName", "/t", "REG_SZ", "/d", "MY", "/f"),
           reg(pfx, "add", sni, "/v", "DefaultFlags", "/t", "REG_DWORD", "/d", "16400", "/f")]
    return all(rc == 0 for rc in rcs)


def test_sslcert_seeded(nsh):
    """IP and host-name bindings (whose add needs a certificate) as imported
    from Windows: show, the order of show sslcert, update and delete."""
    check(seed_bindings(nsh.pfx), "bindings imported with reg add")
    ip_block = ssl_block("IP:port", SEED_IP, certhash=UNKNOWN_HASH, appid=OTHER_APPID, store="My",
                         verify="Disabled", cached="Enabled", usage="Disabled", freshness=60,
                         dsmapper="Enabled", negotiate="Enabled")
    sni_block = ssl_block("Hostname:port", SEED_SNI, certhash=UNKNOWN_HASH, appid="{00000000-0000-0000-0000-000000000000}",
                          store="MY", flags=("disablehttp2", "disablesessionid"))
    expect(nsh, ["show", "sslcert", "ipport=" + SEED_IP], 0, show_one(ip_block), "show sslcert of an imported IP binding")
    expect(nsh, ["show", "sslcert", SEED_IP], 0, show_one(ip_block), "show sslcert with the ipport tag left out")
    expect(nsh, ["show", "sslcert", "hostnameport=" + SEED_SNI], 0,
           show_one(sni_block), "show sslcert of an imported host-name binding")
    expect_contains(nsh, ["show", "sslcert", "hostnameport=" + SEED_SNI.upper()], 0, ["    Hostname:port   "],
                    "show sslcert finds a host name in another case")
    expect(nsh, ["add", "sslcert", "ccs=" + CCS_PORT, "appid=" + APPID], 0, ok("SSL Certificate successfully added"),
           "a CCS binding next to them")
    rc, out = nsh.http("show", "sslcert")
    check(rc == 0 and out.startswith(SSL_HEADER) and out.endswith("\n\n\n"), "show sslcert lists everything (%r)" % out[-200:])
    ccs_block = show_one(CCS_BLOCK)[len(SSL_HEADER):-1]
    positions = [out.find(ip_block), out.find(sni_block), out.find(ccs_block)]
    check(all(p >= 0 for p in positions), "show sslcert has the IP, host-name and CCS blocks (%r)" % positions)
    check(positions == sorted(positions), "show sslcert lists IP, then host-name, then CCS bindings")
    # the certificate of an update must be in the store, as for an add
    expect(nsh, ["update", "sslcert", "ipport=" + SEED_IP, "reject=enable"], 1,
           failed("SSL Certificate update failed", 1312,
                  "A specified logon session does not exist. It may already have been terminated."),
           "update sslcert whose certificate is not in the store")
    expect(nsh, ["show", "sslcert", "ipport=" + SEED_IP], 0, show_one(ip_block), "the failed update changed nothing")
    expect(nsh, ["update", "sslpropertyex", "hostnameport=" + SEED_SNI, "propertyid=0", "receivewindow=262144"], 0,
           ok("SSL Certificate successfully updated"), "update sslpropertyex of a host-name binding")
    expect(nsh, ["show", "sslcert", "hostnameport=" + SEED_SNI], 0,
           show_one(sni_block[:-1] + " Extended Properties:\n    PropertyId                   : 0\n"
                    "    Receive Window               : 262144\n\n"), "the host-name binding shows its property")
    expect(nsh, ["delete", "sslcert", "ipport=" + SEED_IP], 0, ok("SSL Certificate successfully deleted"),
           "delete sslcert of an imported IP binding")
    expect(nsh, ["delete", "sslcert", "hostnameport=" + SEED_SNI], 0, ok("SSL Certificate successfully deleted"),
           "delete sslcert of an imported host-name binding")
    expect(nsh, ["show", "sslcert", "hostnameport=" + SEED_SNI], 1, SSL_HEADER + NOT_FOUND + "\n\n",
           "show after deleting the host-name binding")
    expect(nsh, ["delete", "sslcert", "ccs=" + CCS_PORT], 0, ok("SSL Certificate successfully deleted"),
           "delete the CCS binding")


def make_certificate(tmp):
    """A self-signed RSA certificate in a .pfx: (path, SHA-1 thumbprint)."""
    key, pem, pfx = (os.path.join(tmp, n) for n in ("key.pem", "cert.pem", "cert.pfx"))
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", pem,
                    "-days", "30", "-subj", "/CN=netsh-test.example"], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    subprocess.run(["openssl", "pkcs12", "-export", "-inkey", key, "-in", pem, "-out", pfx, "-passout", "pass:PASS"],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    out = subprocess.run(["openssl", "x509", "-in", pem, "-noout", "-fingerprint", "-sha1"], check=True,
                         stdout=subprocess.PIPE).stdout.decode()
    return pfx, out.split("=", 1)[1].strip().replace(":", "").lower()


def test_sslcert_with_certificate(nsh, build, tmp):
    certutil = os.path.join(build, "certutil.exe")
    missing = failed("SSL Certificate add failed", 1312,
                     "A specified logon session does not exist. It may already have been terminated.")
    expect(nsh, ["add", "sslcert", "ipport=" + IP_KEY, "certhash=" + UNKNOWN_HASH, "appid=" + APPID], 1, missing,
           "add sslcert with a certificate that is not in the store")
    expect(nsh, ["add", "sslcert", "hostnameport=" + SNI_KEY, "certhash=" + UNKNOWN_HASH, "appid=" + APPID,
                 "certstorename=MY"], 1, missing, "add sslcert hostnameport with a certificate not in the store")
    expect(nsh, ["show", "sslcert", "ipport=" + IP_KEY], 1, SSL_HEADER + NOT_FOUND + "\n\n",
           "the failed add created nothing")
    if not os.path.exists(certutil) or not shutil.which("openssl"):
        print("note: %s not built: the bindings with a certificate are not tried" % certutil, flush=True)
        return
    pfx_path, thumb = make_certificate(tmp)
    rc, out = nsh.pfx.run(certutil, "-f", "-p", "PASS", "-importpfx", "Z:" + pfx_path.replace("/", "\\"))
    if not check(rc == 0, "certutil -importpfx of a self-signed RSA certificate (%r)" % out):
        return
    expect(nsh, ["add", "sslcert", "ipport=" + IP_KEY, "certhash=" + thumb.upper(), "appid=" + APPID], 0,
           ok("SSL Certificate successfully added"), "add sslcert ipport")
    block = ssl_block("IP:port", IP_KEY, certhash=thumb)
    expect(nsh, ["show", "sslcert", "ipport=" + IP_KEY], 0, show_one(block), "show sslcert ipport")
    expect(nsh, ["add", "sslcert", "ipport=" + IP_KEY, "certhash=" + thumb, "appid=" + APPID], 1,
           failed("SSL Certificate add failed", 183, EXISTS), "add sslcert ipport again")
    # the older syntax: ipport certhash appid without their tags
    expect(nsh, ["add", "sslcert", IP6_KEY, thumb, APPID, "MY"], 0, ok("SSL Certificate successfully added"),
           "add sslcert [v6]:port with the tags left out")
    expect(nsh, ["show", "sslcert", "ipport=" + IP6_KEY], 0,
           show_one(ssl_block("IP:port", IP6_KEY, certhash=thumb, store="MY")), "show sslcert [v6]:port")
    expect(nsh, ["add", "sslcert", "hostnameport=" + SNI_KEY, "certhash=" + thumb, "appid=" + APPID,
                 "certstorename=MY", "clientcertnegotiation=enable", "disabletls12=enable"], 0,
           ok("SSL Certificate successfully added"), "add sslcert hostnameport")
    sni = ssl_block("Hostname:port", SNI_KEY, certhash=thumb, store="MY", negotiate="Enabled", flags=("disabletls12",))
    expect(nsh, ["show", "sslcert", "hostnameport=" + SNI_KEY], 0, show_one(sni), "show sslcert hostnameport")
    expect(nsh, ["update", "sslcert", "hostnameport=" + SNI_KEY, "clientcertnegotiation=disable",
                 "appid=" + OTHER_APPID], 0, ok("SSL Certificate successfully updated"), "update sslcert hostnameport")
    expect(nsh, ["show", "sslcert", "hostnameport=" + SNI_KEY], 0,
           show_one(ssl_block("Hostname:port", SNI_KEY, certhash=thumb, store="MY", appid=OTHER_APPID,
                              flags=("disabletls12",))), "show after the update")
    rc, out = nsh.http("show", "sslcert")
    check(out.find(block) >= 0 and out.find(sni.replace(APPID, OTHER_APPID).replace(
        "Negotiate Client Certificate : Enabled", "Negotiate Client Certificate : Disabled")) > out.find(block),
        "show sslcert lists the IP binding before the host-name one")
    for key, what in ((IP_KEY, "ipport"), (IP6_KEY, "ipport"), (SNI_KEY, "hostnameport")):
        expect(nsh, ["delete", "sslcert", "%s=%s" % (what, key)], 0, ok("SSL Certificate successfully deleted"),
               "delete sslcert %s=%s" % (what, key))
        expect(nsh, ["show", "sslcert", "%s=%s" % (what, key)], 1, SSL_HEADER + NOT_FOUND + "\n\n",
               "show sslcert %s=%s after delete" % (what, key))
    nsh.pfx.run(certutil, "-delstore", "MY", thumb)


# ---------------------------------------------------------------------------------------------
# URL reservations
# ---------------------------------------------------------------------------------------------

URL1_SHOW = """
URL Reservations: 
----------------- 

    Reserved URL            : http://+:47001/netsh-test/ 
        User: \\Everyone
            Listen: Yes
            Delegate: No
            SDDL: D:(A;;GX;;;WD) 


"""

URL3_SHOW = """
URL Reservations: 
----------------- 

    Reserved URL            : http://+:47003/netsh-test/ 
        User: \\Everyone
            Listen: Yes
            Delegate: No
        User: BUILTIN\\Users
            Listen: Yes
            Delegate: Yes
        User: NT AUTHORITY\\NETWORK SERVICE
            Listen: No
            Delegate: Yes
            SDDL: D:(A;;GX;;;WD)(A;;GA;;;BU)(A;;GW;;;NS) 


"""


def url_show(url, users, sddl):
    text = URL_HEADER + "    Reserved URL            : %s \n" % url
    for user, listen, delegate in users:
        text += "        User: %s\n            Listen: %s\n            Delegate: %s\n" % (user, listen, delegate)
    return text + "            SDDL: %s \n\n\n" % sddl


def test_urlacl(nsh, tmp):
    for url in (URL1, URL2, URL3, URL4, URL5):
        nsh.http("delete", "urlacl", "url=" + url)
    expect(nsh, ["add", "urlacl", "url=" + URL1, "user=Everyone"], 0, ok("URL reservation successfully added"),
           "add urlacl user=Everyone")
    expect(nsh, ["show", "urlacl", "url=" + URL1], 0, URL1_SHOW, "show urlacl (Windows layout)")
    expect(nsh, ["show", "urlacl", URL1], 0, URL1_SHOW, "show urlacl with the url tag left out")
    expect(nsh, ["add", "urlacl", "url=" + URL1, "user=Everyone"], 1,
           failed("Url reservation add failed", 183, EXISTS), "add urlacl again")
    expect(nsh, ["add", "urlacl", "url=" + URL1, "user=Users", "listen=yes", "delegate=yes"], 1,
           failed("Url reservation add failed", 183, EXISTS), "add urlacl again for another user")
    expect(nsh, ["show", "urlacl", "url=" + URL1], 0, URL1_SHOW, "the failed adds changed nothing")
    expect(nsh, ["add", "urlacl", "url=http://+:47001/no-trailing-slash", "user=Everyone"], 1,
           failed("Url reservation add failed", 87, "The parameter is incorrect."), "add urlacl without trailing slash")

    expect(nsh, ["add", "urlacl", "URL=" + URL2, "USER=users", "LISTEN=YES", "Delegate=Yes"], 0,
           ok("URL reservation successfully added"), "add urlacl listen=yes delegate=yes (tags in any case)")
    expect(nsh, ["show", "urlacl", "url=" + URL2], 0,
           url_show(URL2, [("BUILTIN\\Users", "Yes", "Yes")], "D:(A;;GA;;;BU)"), "listen+delegate is GA")
    expect(nsh, ["delete", "urlacl", "url=" + URL2], 0, ok("URL reservation successfully deleted"), "delete urlacl")
    expect(nsh, ["add", "urlacl", URL2, "NT AUTHORITY\\NETWORK SERVICE", "no", "yes"], 0,
           ok("URL reservation successfully added"), "add urlacl with positional values, delegate only")
    expect(nsh, ["show", "urlacl", "url=" + URL2], 0,
           url_show(URL2, [("NT AUTHORITY\\NETWORK SERVICE", "No", "Yes")], "D:(A;;GW;;;NS)"), "delegate only is GW")
    expect(nsh, ["add", "urlacl", "url=" + URL3, "sddl=D:(A;;GX;;;WD)(A;;GA;;;BU)(A;;GW;;;S-1-5-20)"], 0,
           ok("URL reservation successfully added"), "add urlacl sddl= with three ACEs")
    expect(nsh, ["show", "urlacl", "url=" + URL3], 0, URL3_SHOW, "show urlacl: one User block per ACE")
    rc, out = run_batch(nsh.pfx, tmp, 'netsh http add urlacl url=%s "user=BUILTIN\\Administrators" listen=yes' % URL4)
    check(rc == 0 and out == ok("URL reservation successfully added"), "\"user=DOMAIN\\name\" from cmd (%r)" % out)
    expect(nsh, ["show", "urlacl", "url=" + URL4], 0,
           url_show(URL4, [("BUILTIN\\Administrators", "Yes", "No")], "D:(A;;GX;;;BA)"), "the reservation from cmd")
    rc, out = run_batch(nsh.pfx, tmp, 'netsh http add urlacl url=%s sddl="D:(A;;GX;;;WD)"' % URL5)
    check(rc == 0 and out == ok("URL reservation successfully added"), "sddl=\"...\" from cmd (%r)" % out)

    rc, out = nsh.http("show", "urlacl")
    check(rc == 0 and out.startswith(URL_HEADER), "show urlacl lists every reservation")
    for url, text in ((URL1, URL1_SHOW), (URL3, URL3_SHOW)):
        check(text[len(URL_HEADER):-1] in out, "show urlacl has the block of %s" % url)

    for url in (URL1, URL2, URL3, URL4, URL5):
        expect(nsh, ["delete", "urlacl", "url=" + url], 0, ok("URL reservation successfully deleted"),
               "delete urlacl %s" % url)
    expect(nsh, ["show", "urlacl", "url=" + URL1], 1, URL_HEADER + NOT_FOUND + "\n\n", "show urlacl after delete")
    expect(nsh, ["delete", "urlacl", "url=" + URL1], 1, failed("URL reservation delete failed", 2, NOT_FOUND),
           "delete urlacl of a missing reservation")
    expect(nsh, ["delete", "urlacl", "url=http://+:47001/no-trailing-slash"], 1,
           failed("URL reservation delete failed", 87, "The parameter is incorrect."),
           "delete urlacl without trailing slash")


# ---------------------------------------------------------------------------------------------
# the single-value records
# ---------------------------------------------------------------------------------------------

def timeouts(idle, header):
    return ("\nService Timeout Values:\n-----------------------\n\n"
            "    Idle connection timeout (secs) : %s\n    Header wait timeout (secs) : %s\n\n" % (idle, header))


def cacheparams(size, chunk):
    return ("\nCache Parameters:\n-----------------\n\n"
            "    Max cache response size (bytes) : %s\n    Cache range chunk size (bytes) : %s\n\n" % (size, chunk))


def settings(throttle):
    return "\nSetting Values:\n---------------\n\n    SSL throttle : %s\n\n" % throttle


def test_timeout(nsh):
    for t in ("idleconnectiontimeout", "headerwaittimeout"):
        nsh.http("delete", "timeout", "timeouttype=" + t)
    expect(nsh, ["show", "timeout"], 0, timeouts(120, 120), "show timeout: the defaults when nothing is set")
    expect(nsh, ["add", "timeout", "timeouttype=idleconnectiontimeout", "value=60"], 0,
           ok("Timeout successfully added"), "add timeout idle")
    expect(nsh, ["add", "timeout", "HeaderWaitTimeout", "0x40"], 0, ok("Timeout successfully added"),
           "add timeout header wait, positional, hex")
    expect(nsh, ["show", "timeout"], 0, timeouts(60, 64), "show timeout after add")
    expect(nsh, ["add", "timeout", "timeouttype=idleconnectiontimeout", "value=90"], 1,
           failed("Timeout add failed", 183, EXISTS), "add timeout that is set")
    expect(nsh, ["show", "timeout"], 0, timeouts(60, 64), "the failed add changed nothing")
    expect(nsh, ["delete", "timeout", "timeouttype=idleconnectiontimeout"], 0, ok("Timeout successfully deleted"),
           "delete timeout idle")
    expect(nsh, ["show", "timeout"], 0, timeouts(120, 64), "show timeout after delete: the default again")
    expect(nsh, ["delete", "timeout", "headerwaittimeout"], 0, ok("Timeout successfully deleted"),
           "delete timeout, positional")
    expect(nsh, ["delete", "timeout", "timeouttype=headerwaittimeout"], 1,
           failed("Timeout deletion failed", 2, NOT_FOUND), "delete timeout that is not set")
    expect(nsh, ["add", "timeout", "timeouttype=idleconnectiontimeout", "value=0"], 1,
           failed("Timeout add failed", 87, "The parameter is incorrect."), "add timeout of 0 seconds")
    expect(nsh, ["show", "timeout"], 0, timeouts(120, 120), "show timeout at the end")
    rc, out = nsh.run("-c", "http", "show", "timeout")
    check(rc == 0 and out == timeouts(120, 120), "netsh -c http show timeout")
    rc, out = nsh.run("HTTP", "sh", "TIMEOUT")
    check(rc == 0 and out == timeouts(120, 120), "netsh HTTP sh TIMEOUT (case, abbreviation)")


def test_cacheparam_setting(nsh):
    for t in ("maxcacheresponsesize", "cacherangechunksize"):
        nsh.http("delete", "cacheparam", "type=" + t)
    nsh.http("delete", "setting", "settingtype=sslthrottle")
    expect(nsh, ["show", "cacheparam"], 0, cacheparams(262144, "Not Set"), "show cacheparam: nothing set")
    expect(nsh, ["add", "cacheparam", "type=maxcacheresponsesize", "value=524288"], 0,
           ok("Cache parameter successfully added"), "add cacheparam maxcacheresponsesize")
    expect(nsh, ["add", "cacheparam", "cacherangechunksize", "0x20000"], 0, ok("Cache parameter successfully added"),
           "add cacheparam cacherangechunksize, positional, hex")
    expect(nsh, ["show", "cacheparam"], 0, cacheparams(524288, 131072), "show cacheparam after add")
    expect(nsh, ["add", "cacheparam", "type=maxcacheresponsesize", "value=1"], 1,
           failed("Cache parameter add failed", 183, EXISTS), "add cacheparam that is set")
    expect(nsh, ["delete", "cacheparam", "type=maxcacheresponsesize"], 0, ok("Cache parameter successfully deleted"),
           "delete cacheparam")
    expect(nsh, ["delete", "cacheparam", "type=cacherangechunksize"], 0, ok("Cache parameter successfully deleted"),
           "delete the other cacheparam")
    expect(nsh, ["delete", "cacheparam", "type=cacherangechunksize"], 1,
           failed("Cache parameter deletion failed", 2, NOT_FOUND), "delete cacheparam that is not set")
    expect(nsh, ["show", "cacheparam"], 0, cacheparams(262144, "Not Set"), "show cacheparam after delete")

    expect(nsh, ["show", "setting"], 0, settings("Not Set"), "show setting: nothing set")
    expect(nsh, ["add", "setting", "settingtype=sslthrottle", "value=10"], 0, ok("Setting successfully added"),
           "add setting sslthrottle")
    expect(nsh, ["show", "setting"], 0, settings(10), "show setting after add")
    expect(nsh, ["add", "setting", "SSLTHROTTLE", "11"], 1, failed("Setting add failed", 183, EXISTS),
           "add setting that is set")
    expect(nsh, ["delete", "setting", "settingtype=sslthrottle"], 0, ok("Setting successfully deleted"),
           "delete setting")
    expect(nsh, ["delete", "setting", "sslthrottle"], 1, failed("Setting deletion failed", 2, NOT_FOUND),
           "delete setting that is not set")
    expect(nsh, ["show", "setting"], 0, settings("Not Set"), "show setting after delete")


def test_iplisten(nsh):
    for a in ("127.0.0.2", "::2", "[::3]:47450"):
        nsh.http("delete", "iplisten", "ipaddress=" + a)
    rc, before = nsh.http("show", "iplisten")
    check(rc == 0 and before.startswith(IPLISTEN_HEADER), "show iplisten (%r)" % before)
    empty = before == IPLISTEN_HEADER + "\n\n"
    expect(nsh, ["add", "iplisten", "ipaddress=127.0.0.2"], 0, ok("IP address successfully added"), "add iplisten v4")
    expect(nsh, ["add", "iplisten", "::2"], 0, ok("IP address successfully added"), "add iplisten v6, positional")
    expect(nsh, ["add", "iplisten", "IPADDRESS=[::3]:47450"], 0, ok("IP address successfully added"),
           "add iplisten with a port")
    expect(nsh, ["add", "iplisten", "ipaddress=127.0.0.2"], 1, failed("IP address add failed", 183, EXISTS),
           "add iplisten again")
    rc, out = nsh.http("show", "iplisten")
    for line in ("    127.0.0.2\n", "    ::2\n", "    [::3]:47450\n"):
        check(line in out, "show iplisten lists %r" % line.strip())
    if empty:
        same_text(out, IPLISTEN_HEADER + "    127.0.0.2\n    ::2\n    [::3]:47450\n\n\n", "show iplisten layout")
    for a in ("127.0.0.2", "::2", "[::3]:47450"):
        expect(nsh, ["delete", "iplisten", "ipaddress=" + a], 0, ok("IP address successfully deleted"),
               "delete iplisten %s" % a)
    expect(nsh, ["delete", "iplisten", "ipaddress=127.0.0.2"], 1, failed("IP address deletion failed", 2, NOT_FOUND),
           "delete iplisten that is not listed")
    rc, out = nsh.http("show", "iplisten")
    check(out == before, "show iplisten is as it was")


def test_cache_logbuffer_servicestate(nsh):
    expect(nsh, ["show", "cachestate"], 0, "\nSnapshot of response cache:\n--------------------------- \n\n",
           "show cachestate with an empty cache")
    expect(nsh, ["show", "cachestate", "url=http://localhost:80/x"], 0,
           "\nThere were no cache entries corresponding to the provided URL\n\n", "show cachestate url=")
    expect(nsh, ["delete", "cache"], 0, ok("Cache entries successfully deleted"), "delete cache")
    expect(nsh, ["delete", "cache", "url=http://localhost:80/x/", "recursive=yes"], 0,
           ok("Cache entries successfully deleted"), "delete cache url= recursive=yes")
    expect(nsh, ["flush", "logbuffer"], 0, ok("Log buffer successfully flushed"), "flush logbuffer")
    expect(nsh, ["fl", "log"], 0, ok("Log buffer successfully flushed"), "flush logbuffer abbreviated")
    for args in (["show", "servicestate"], ["show", "servicestate", "verbose=yes"],
                 ["show", "servicestate", "view=requestq", "verbose=no"], ["show", "servicestate", "session", "yes"]):
        expect_contains(nsh, args, 0, ["Snapshot of HTTP service state"], " ".join(args))


def test_dump(nsh):
    """dump prints the commands that recreate the records; running them back
    recreates the same records."""
    for args in (["delete", "urlacl", "url=" + URL1], ["delete", "timeout", "timeouttype=headerwaittimeout"],
                 ["delete", "cacheparam", "type=cacherangechunksize"], ["delete", "setting", "settingtype=sslthrottle"],
                 ["delete", "iplisten", "ipaddress=127.0.0.3"]):
        nsh.http(*args)
    steps = [["add", "urlacl", "url=" + URL1, "sddl=D:(A;;GX;;;WD)(A;;GA;;;BU)"],
             ["add", "sslcert", "ccs=" + CCS_PORT, "appid=" + APPID, "reject=enable", "usagecheck=disable",
              "sslctlidentifier=My Ctl"],
             ["update", "sslpropertyex", "ccs=" + CCS_PORT, "propertyid=1", "maxsettingsperframe=7",
              "maxsettingsperminute=70"],
             ["add", "timeout", "timeouttype=headerwaittimeout", "value=33"],
             ["add", "cacheparam", "type=cacherangechunksize", "value=4096"],
             ["add", "setting", "settingtype=sslthrottle", "value=5"],
             ["add", "iplisten", "ipaddress=127.0.0.3"]]
    for step in steps:
        rc, out = nsh.http(*step)
        check(rc == 0, "%s (%r)" % (" ".join(step), out))
    shows = [["show", "urlacl", "url=" + URL1], ["show", "sslcert", "ccs=" + CCS_PORT], ["show", "timeout"],
             ["show", "cacheparam"], ["show", "setting"], ["show", "iplisten"]]
    before = [nsh.http(*s)[1] for s in shows]
    rc, dump = nsh.http("dump")
    check(rc == 0, "dump exits 0 (%r)" % dump)
    lines = dump.split("\n")
    check(dump.startswith("\n#========================\n# HTTP configuration\n#========================\npushd http\n\n"),
          "dump begins with its banner and pushd http (%r)" % dump[:120])
    check(dump.endswith("\npopd\n# End of HTTP configuration\n\n"), "dump ends with popd (%r)" % dump[-80:])
    wanted = ["add urlacl url=%s sddl=D:(A;;GX;;;WD)(A;;GA;;;BU)" % URL1,
              "add sslcert ccs=%s appid=%s sslctlidentifier=\"My Ctl\" usagecheck=disable reject=enable" % (CCS_PORT, APPID),
              "update sslpropertyex ccs=%s propertyid=1 maxsettingsperframe=7 maxsettingsperminute=70" % CCS_PORT,
              "add timeout timeouttype=headerwaittimeout value=33",
              "add cacheparam type=cacherangechunksize value=4096",
              "add setting settingtype=sslthrottle value=5",
              "add iplisten ipaddress=127.0.0.3"]
    for line in wanted:
        check(line in lines, "dump has %r" % line)
    # remove everything, then run the dump's lines back
    for args in (["delete", "urlacl", "url=" + URL1], ["delete", "sslcert", "ccs=" + CCS_PORT],
                 ["delete", "timeout", "timeouttype=headerwaittimeout"],
                 ["delete", "cacheparam", "type=cacherangechunksize"],
                 ["delete", "setting", "settingtype=sslthrottle"], ["delete", "iplisten", "ipaddress=127.0.0.3"]):
        rc, out = nsh.http(*args)
        check(rc == 0, "%s (%r)" % (" ".join(args), out))
    for line in wanted:
        rc, out = nsh.http(*shlex.split(line))
        check(rc == 0, "the dump's line %r runs (%r)" % (line, out))
    after = [nsh.http(*s)[1] for s in shows]
    for s, b, a in zip(shows, before, after):
        same_text(a, b, "%s is the same after running the dump back" % " ".join(s))
    for args in (["delete", "urlacl", "url=" + URL1], ["delete", "sslcert", "ccs=" + CCS_PORT],
                 ["delete", "timeout", "timeouttype=headerwaittimeout"],
                 ["delete", "cacheparam", "type=cacherangechunksize"],
                 ["delete", "setting", "settingtype=sslthrottle"], ["delete", "iplisten", "ipaddress=127.0.0.3"]):
        nsh.http(*args)
    rc, out = nsh.run("dump")
    check(rc == 0 and "pushd http" in out, "netsh dump dumps the http context")


# ---------------------------------------------------------------------------------------------

def run_batch(pfx, tmp, line):
    """Runs one command line through cmd.exe, which passes the quotes to
    netsh's C runtime as Windows' cmd does: (exit code, output)."""
    path = os.path.join(tmp, "netsh-test.bat")
    with open(path, "w") as f:
        f.write("@echo off\r\n%s\r\nexit /b %%errorlevel%%\r\n" % line)
    return pfx.run("cmd", "/c", "Z:" + path.replace("/", "\\"))


def cleanup(nsh):
    for args in (["delete", "sslcert", "ccs=" + CCS_PORT], ["delete", "sslcert", "ccs=" + CCS_PORT2],
                 ["delete", "sslcert", "ipport=" + IP_KEY], ["delete", "sslcert", "ipport=" + IP6_KEY],
                 ["delete", "sslcert", "hostnameport=" + SNI_KEY], ["delete", "sslcert", "ipport=" + SEED_IP],
                 ["delete", "sslcert", "hostnameport=" + SEED_SNI]):
        nsh.http(*args)


def main():
    prefix, build = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    pfx = Prefix(prefix)
    nsh = Netsh(pfx)
    pfx.net("start")
    tmp = tempfile.mkdtemp(prefix="netsh-test-")
    cleanup(nsh)
    try:
        for test in (lambda: test_help(nsh), lambda: test_parsing_errors(nsh), lambda: test_sslcert_ccs(nsh, tmp),
                     lambda: test_sslcert_seeded(nsh), lambda: test_sslcert_with_certificate(nsh, build, tmp),
                     lambda: test_urlacl(nsh, tmp), lambda: test_timeout(nsh), lambda: test_cacheparam_setting(nsh),
                     lambda: test_iplisten(nsh), lambda: test_cache_logbuffer_servicestate(nsh),
                     lambda: test_dump(nsh)):
            try:
                test()
            except Exception as e:
                import traceback
                traceback.print_exc()
                check(False, "test raised %r" % e)
    finally:
        cleanup(nsh)
        shutil.rmtree(tmp, ignore_errors=True)
    report()


if __name__ == "__main__":
    main()
