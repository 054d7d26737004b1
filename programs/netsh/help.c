/*
 * The help texts: what "netsh ?", "netsh http ?" and "<command> ?" print,
 * laid out as Windows' netsh lays them out (Usage, Parameters with a Tag /
 * Value table, Remarks, Examples), from the documented syntax of each
 * command.
 */
#include "netsh.h"

const WCHAR help_netsh_context[] =
    L"\n"
    L"Usage: netsh [-a AliasFile] [-c Context] [-r RemoteMachine] [-u [DomainName\\]UserName] [-p Password | *]\n"
    L"             [Command | -f ScriptFile]\n"
    L"The following commands are available:\n"
    L"\n"
    L"Commands in this context:\n"
    L"?              - Displays a list of commands.\n"
    L"dump           - Displays a configuration script.\n"
    L"help           - Displays a list of commands.\n"
    L"http           - Changes to the `netsh http' context.\n"
    L"\n"
    L"The following sub-contexts are available:\n"
    L" http\n"
    L"\n"
    L"To view help for a command, type the command, followed by a space, and then\n"
    L" type ?.\n"
    L"\n";

const WCHAR help_http_context[] =
    L"\n"
    L"The following commands are available:\n"
    L"\n"
    L"Commands in this context:\n"
    L"?              - Displays a list of commands.\n"
    L"add            - Adds a configuration entry to a table.\n"
    L"delete         - Deletes a configuration entry from a table.\n"
    L"dump           - Displays a configuration script.\n"
    L"flush          - Flushes internal data.\n"
    L"help           - Displays a list of commands.\n"
    L"show           - Displays information.\n"
    L"update         - Updates a configuration entry to a table.\n"
    L"\n"
    L"To view help for a command, type the command, followed by a space, and then\n"
    L" type ?.\n"
    L"\n";

/* ---- add ------------------------------------------------------------------------ */

const WCHAR usage_add_cacheparam[] =
    L"\n"
    L"Usage: add cacheparam [type=]cacherangechunksize|maxcacheresponsesize\n"
    L"             [value=]<ulong>\n"
    L"\n"
    L"Parameters:\n"
    L"\n"
    L"        Tag                       Value\n"
    L"        type                    - Type of parameter for setting.\n"
    L"        value                   - Value (in bytes). If value is in\n"
    L"                                  hex, then add the prefix 0x.\n"
    L"\n"
    L"Remarks: Adds HTTP service cache parameter.\n"
    L"\n"
    L"Examples:\n"
    L"\n"
    L"        add cacheparam type=maxcacheresponsesize value=524288\n"
    L"        add cacheparam type=cacherangechunksize value=131072\n"
    L"\n";

const WCHAR usage_add_iplisten[] =
    L"\n"
    L"Usage: add iplisten [ipaddress=]<IPv4 or IPv6 address>\n"
    L"\n"
    L"Parameters:\n"
    L"\n"
    L"        Tag              Value\n"
    L"        ipaddress      - IPv4 or IPv6 address to be added to the IP\n"
    L"                         listen list. The IP listen list is used to\n"
    L"                         scope the list of addresses to which the HTTP\n"
    L"                         service binds. \"0.0.0.0\" means any IPv4\n"
    L"                         address and \"::\" means any IPv6 address.\n"
    L"\n"
    L"Remarks: Adds an IP address to the IP listen list. This does not include\n"
    L"         the port number.\n"
    L"\n"
    L"Examples:\n"
    L"\n"
    L"        add iplisten ipaddress=fe80::1\n"
    L"        add iplisten ipaddress=1.1.1.1\n"
    L"        add iplisten ipaddress=0.0.0.0\n"
    L"        add iplisten ipaddress=::\n"
    L"\n";

const WCHAR usage_add_setting[] =
    L"\n"
    L"Usage: add setting [settingtype=]sslthrottle\n"
    L"             [value=]<ulong>\n"
    L"\n"
    L"Parameters:\n"
    L"\n"
    L"        Tag                       Value\n"
    L"        settingtype             - Type of the setting: sslthrottle, the\n"
    L"                                  throttling limit for SSL connections.\n"
    L"        value                   - Value of the setting. If value is in\n"
    L"                                  hex, then add the prefix 0x.\n"
    L"\n"
    L"Remarks: Adds a global setting to the service.\n"
    L"\n"
    L"Examples:\n"
    L"\n"
    L"        add setting settingtype=sslthrottle value=1\n"
    L"\n";

#define SSLCERT_SWITCHES(cmd) \
    L"\n" \
    L"Usage: " cmd L" sslcert hostnameport=<name:port> | ipport=<ipaddr:port> | ccs=<port>\n" \
    L"        appid=<GUID>\n" \
    L"        [certhash=<string>]\n" \
    L"        [certstorename=<string>]\n" \
    L"        [verifyclientcertrevocation=enable|disable]\n" \
    L"        [verifyrevocationwithcachedclientcertonly=enable|disable]\n" \
    L"        [usagecheck=enable|disable]\n" \
    L"        [revocationfreshnesstime=<u-int>]\n" \
    L"        [urlretrievaltimeout=<u-int>]\n" \
    L"        [sslctlidentifier=<string>]\n" \
    L"        [sslctlstorename=<string>]\n" \
    L"        [dsmapperusage=enable|disable]\n" \
    L"        [clientcertnegotiation=enable|disable]\n" \
    L"        [reject=enable|disable]\n" \
    L"        [disablehttp2=enable|disable]\n" \
    L"        [disablequic=enable|disable]\n" \
    L"        [disablelegacytls=enable|disable]\n" \
    L"        [disabletls12=enable|disable]\n" \
    L"        [disabletls13=enable|disable]\n" \
    L"        [disableocspstapling=enable|disable]\n" \
    L"        [enabletokenbinding=enable|disable]\n" \
    L"        [logextendedevents=enable|disable]\n" \
    L"        [enablesessionticket=enable|disable]\n" \
    L"        [disablesessionid=enable|disable]\n" \
    L"\n" \
    L"Parameters:\n" \
    L"\n" \
    L"    Tag                 Value\n" \
    L"    ipport            - IP address and port for the binding.\n" \
    L"    hostnameport      - Unicode hostname and port for binding.\n" \
    L"    ccs               - Central Certificate Store binding.\n" \
    L"    scopedccs         - Scoped Central Certificate Store binding: a\n" \
    L"                        hostname and port.\n" \
    L"    certhash          - The SHA hash of the certificate. This hash is\n" \
    L"                        20 bytes long and specified as a hex string.\n" \
    L"    appid             - GUID to identify the owning application.\n" \
    L"    certstorename     - Store name for the certificate. Required for\n" \
    L"                        Hostname based configurations. Defaults to MY\n" \
    L"                        for IP based configurations. Certificate must\n" \
    L"                        be stored in the local machine context.\n" \
    L"    verifyclientcertrevocation - Turns on/off verification of\n" \
    L"                        revocation of client certificates.\n" \
    L"    verifyrevocationwithcachedclientcertonly - Turns on/off usage of\n" \
    L"                        only cached client certificate for revocation\n" \
    L"                        checking.\n" \
    L"    usagecheck        - Turns on/off usage check. Default is enabled.\n" \
    L"    revocationfreshnesstime - Time interval to check for an updated\n" \
    L"                        certificate revocation list (CRL). If this\n" \
    L"                        value is 0, then the new CRL is updated only\n" \
    L"                        if the previous one expires (in seconds).\n" \
    L"    urlretrievaltimeout - Timeout on attempt to retrieve certificate\n" \
    L"                        revocation list for the remote URL (in\n" \
    L"                        milliseconds).\n" \
    L"    sslctlidentifier  - List the certificate issuers that can be\n" \
    L"                        trusted. This list can be a subset of the\n" \
    L"                        certificate issuers that are trusted by the\n" \
    L"                        machine.\n" \
    L"    sslctlstorename   - Store name under LOCAL_MACHINE where\n" \
    L"                        SslCtlIdentifier is stored.\n" \
    L"    dsmapperusage     - Turns on/off DS mappers. Default is disabled.\n" \
    L"    clientcertnegotiation - Turns on/off negotiation of certificate.\n" \
    L"                        Default is disabled.\n" \
    L"    reject            - When enabled, any new matching connection is\n" \
    L"                        immediately dropped.\n" \
    L"    disablehttp2      - When set, HTTP2 is disabled for new matching\n" \
    L"                        connections immediately.\n" \
    L"    disablequic       - When set, QUIC is disabled for new matching\n" \
    L"                        connections immediately.\n" \
    L"    disablelegacytls  - When set, legacy versions of TLS are disabled.\n" \
    L"    disabletls12      - When set, TLS1.2 is disabled for new matching\n" \
    L"                        connections immediately.\n" \
    L"    disabletls13      - When set, TLS1.3 is disabled for new matching\n" \
    L"                        connections immediately.\n" \
    L"    disableocspstapling - When set, OCSP stapling is disabled for new\n" \
    L"                        matching connections immediately.\n" \
    L"    enabletokenbinding - When set, token binding is enabled for new\n" \
    L"                        connections immediately.\n" \
    L"    logextendedevents - When set, additional events useful for\n" \
    L"                        debugging are logged.\n" \
    L"    enablesessionticket - When set, TLS session resumption is enabled.\n" \
    L"    disablesessionid  - When set, TLS session IDs are not used for\n" \
    L"                        session resumption.\n" \
    L"\n"

const WCHAR usage_add_sslcert[] =
    SSLCERT_SWITCHES(L"add")
    L"Remarks: Adds an SSL server certificate binding and corresponding client\n"
    L"         certificate policies for an IP address or hostname and a port.\n"
    L"\n"
    L"Examples:\n"
    L"\n"
    L"    add sslcert ipport=1.1.1.1:443 certhash=0102030405060708090A0B0C0D0E0F1011121314 appid={00112233-4455-6677-8899-AABBCCDDEEFF}\n"
    L"    add sslcert hostnameport=www.contoso.com:443 certhash=0102030405060708090A0B0C0D0E0F1011121314 appid={00112233-4455-6677-8899-AABBCCDDEEFF} certstorename=MY\n"
    L"    add sslcert scopedccs=www.contoso.com:443 appid={00112233-4455-6677-8899-AABBCCDDEEFF}\n"
    L"    add sslcert ccs=443 appid={00112233-4455-6677-8899-AABBCCDDEEFF}\n"
    L"\n";

const WCHAR usage_update_sslcert[] =
    SSLCERT_SWITCHES(L"update")
    L"Remarks: Updates an SSL server certificate binding and corresponding\n"
    L"         client certificate policies for an IP address or hostname and a\n"
    L"         port. The parameters not given keep their current values.\n"
    L"\n"
    L"Examples:\n"
    L"\n"
    L"    update sslcert ipport=1.1.1.1:443 certhash=0102030405060708090A0B0C0D0E0F1011121314 appid={00112233-4455-6677-8899-AABBCCDDEEFF}\n"
    L"    update sslcert hostnameport=www.contoso.com:443 disablehttp2=enable\n"
    L"    update sslcert ccs=443 reject=enable\n"
    L"\n";

const WCHAR usage_add_timeout[] =
    L"\n"
    L"Usage: add timeout [timeouttype=]idleconnectiontimeout|headerwaittimeout\n"
    L"             [value=]<u-short>\n"
    L"\n"
    L"Parameters:\n"
    L"\n"
    L"        Tag                       Value\n"
    L"        timeouttype             - Type of timeout for setting.\n"
    L"        value                   - Value of the timeout (in seconds).\n"
    L"                                  If value is in hex, then add the\n"
    L"                                  prefix 0x.\n"
    L"\n"
    L"Remarks: Adds a global timeout to the service.\n"
    L"\n"
    L"Examples:\n"
    L"\n"
    L"        add timeout timeouttype=idleconnectiontimeout value=120\n"
    L"        add timeout timeouttype=headerwaittimeout value=0x40\n"
    L"\n";

const WCHAR usage_add_urlacl[] =
    L"\n"
    L"Usage: add urlacl [url=]<string> [user=]<string> [[listen=]yes|no]\n"
    L"             [[delegate=]yes|no]\n"
    L"       add urlacl [url=]<string> [sddl=]<string>\n"
    L"\n"
    L"Parameters:\n"
    L"\n"
    L"        Tag          Value\n"
    L"        url        - The fully qualified URL.\n"
    L"        user       - The user or user-group name.\n"
    L"        listen     - One of the following values:\n"
    L"                     yes: Allow the user to register URLs. This is\n"
    L"                          the default value.\n"
    L"                     no:  Deny the user from registering URLs.\n"
    L"        delegate   - One of the following values:\n"
    L"                     yes: Allow the user to delegate URLs.\n"
    L"                     no:  Deny the user from delegating URLs. This is\n"
    L"                          the default value.\n"
    L"        sddl       - SDDL string that describes the DACL.\n"
    L"\n"
    L"Remarks: Reserves the URL for non-administrator users and accounts. The\n"
    L"         DACL can be specified by providing an NT account name with the\n"
    L"         listen and delegate parameters, or by providing an SDDL string.\n"
    L"\n"
    L"Examples:\n"
    L"\n"
    L"        add urlacl url=http://+:80/MyUri user=DOMAIN\\user\n"
    L"        add urlacl url=http://www.contoso.com:80/MyUri user=DOMAIN\\user listen=yes\n"
    L"        add urlacl url=http://www.contoso.com:80/MyUri user=DOMAIN\\user delegate=no\n"
    L"        add urlacl url=http://+:80/MyUri sddl=D:(A;;GX;;;WD)\n"
    L"\n";

/* ---- delete ---------------------------------------------------------------------- */

const WCHAR usage_delete_cache[] =
    L"\n"
    L"Usage: delete cache [[url=]<string>] [[recursive=]yes|no]\n"
    L"\n"
    L"Parameters:\n"
    L"\n"
    L"        Tag          Value\n"
    L"        url        - Fully qualified URL to be deleted from the cache.\n"
    L"        recursive  - Whether all the entries under the URL are removed:\n"
    L"                     yes: remove all the entries.\n"
    L"                     no:  remove only this entry.\n"
    L"\n"
    L"Remarks: Deletes all the entries, or a specified entry, from the HTTP\n"
    L"         service kernel URI cache.\n"
    L"\n"
    L"Examples:\n"
    L"\n"
    L"        delete cache url=http://www.contoso.com:80/myresource/ recursive=yes\n"
    L"        delete cache\n"
    L"\n";

const WCHAR usage_delete_cacheparam[] =
    L"\n"
    L"Usage: delete cacheparam [type=]cacherangechunksize|maxcacheresponsesize\n"
    L"\n"
    L"Parameters:\n"
    L"\n"
    L"        Tag                       Value\n"
    L"        type                    - Type of the cache parameter.\n"
    L"\n"
    L"Remarks: Deletes an HTTP service cache parameter and makes the service\n"
    L"         revert to its default value.\n"
    L"\n"
    L"Examples:\n"
    L"\n"
    L"        delete cacheparam type=maxcacheresponsesize\n"
    L"        delete cacheparam type=cacherangechunksize\n"
    L"\n";

const WCHAR usage_delete_iplisten[] =
    L"\n"
    L"Usage: delete iplisten [ipaddress=]<IPv4 or IPv6 address>\n"
    L"\n"
    L"Parameters:\n"
    L"\n"
    L"        Tag              Value\n"
    L"        ipaddress      - IPv4 or IPv6 address to be deleted from the IP\n"
    L"                         listen list. The IP listen list is used to\n"
    L"                         scope the list of addresses to which the HTTP\n"
    L"                         service binds. \"0.0.0.0\" means any IPv4\n"
    L"                         address and \"::\" means any IPv6 address.\n"
    L"\n"
    L"Remarks: Deletes an IP address from the IP listen list. This does not\n"
    L"         include the port number.\n"
    L"\n"
    L"Examples:\n"
    L"\n"
    L"        delete iplisten ipaddress=fe80::1\n"
    L"        delete iplisten ipaddress=1.1.1.1\n"
    L"        delete iplisten ipaddress=0.0.0.0\n"
    L"        delete iplisten ipaddress=::\n"
    L"\n";

const WCHAR usage_delete_setting[] =
    L"\n"
    L"Usage: delete setting [settingtype=]sslthrottle\n"
    L"\n"
    L"Parameters:\n"
    L"\n"
    L"        Tag                       Value\n"
    L"        settingtype             - Type of the setting.\n"
    L"\n"
    L"Remarks: Deletes a global setting and makes the service revert to its\n"
    L"         default behavior.\n"
    L"\n"
    L"Examples:\n"
    L"\n"
    L"        delete setting settingtype=sslthrottle\n"
    L"\n";

const WCHAR usage_delete_sslcert[] =
    L"\n"
    L"Usage: delete sslcert ipport=<ipaddr:port> | hostnameport=<name:port> | ccs=<port>\n"
    L"\n"
    L"Parameters:\n"
    L"\n"
    L"        Tag              Value\n"
    L"        ipport         - IPv4 or IPv6 address and port for which the SSL\n"
    L"                         certificate binding is deleted.\n"
    L"        hostnameport   - Unicode hostname and port for binding.\n"
    L"        ccs            - Central Certificate Store binding.\n"
    L"        scopedccs      - Scoped Central Certificate Store binding.\n"
    L"\n"
    L"Remarks: Deletes SSL server certificate bindings and the corresponding\n"
    L"         client certificate policies for an IP address or hostname and\n"
    L"         a port.\n"
    L"\n"
    L"Examples:\n"
    L"\n"
    L"        delete sslcert ipport=1.1.1.1:443\n"
    L"        delete sslcert ipport=[fe80::1]:443\n"
    L"        delete sslcert hostnameport=www.contoso.com:443\n"
    L"        delete sslcert ccs=443\n"
    L"\n";

const WCHAR usage_delete_timeout[] =
    L"\n"
    L"Usage: delete timeout [timeouttype=]idleconnectiontimeout|headerwaittimeout\n"
    L"\n"
    L"Parameters:\n"
    L"\n"
    L"        Tag                       Value\n"
    L"        timeouttype             - Type of timeout setting.\n"
    L"\n"
    L"Remarks: Deletes a global timeout and makes the service revert to default\n"
    L"         values.\n"
    L"\n"
    L"Examples:\n"
    L"\n"
    L"        delete timeout timeouttype=idleconnectiontimeout\n"
    L"        delete timeout timeouttype=headerwaittimeout\n"
    L"\n";

const WCHAR usage_delete_urlacl[] =
    L"\n"
    L"Usage: delete urlacl [url=]<string>\n"
    L"\n"
    L"Parameters:\n"
    L"\n"
    L"        Tag          Value\n"
    L"        url        - The fully qualified URL to be deleted.\n"
    L"\n"
    L"Remarks: Deletes URL reservations.\n"
    L"\n"
    L"Examples:\n"
    L"\n"
    L"        delete urlacl url=http://+:80/MyUri/\n"
    L"        delete urlacl url=http://www.contoso.com:80/MyUri/\n"
    L"\n";

/* ---- dump, flush ------------------------------------------------------------------ */

const WCHAR usage_dump[] =
    L"\n"
    L"Usage: dump\n"
    L"\n"
    L"Remarks: Creates a script that contains the current configuration of the\n"
    L"         HTTP service. The script can be saved to a file and run with\n"
    L"         netsh -f to restore the configuration.\n"
    L"\n";

const WCHAR usage_flush_logbuffer[] =
    L"\n"
    L"Usage: flush logbuffer\n"
    L"\n"
    L"Remarks: Flushes the internal buffers for the log files.\n"
    L"\n";

/* ---- show ------------------------------------------------------------------------- */

const WCHAR usage_show_cacheparam[] =
    L"\n"
    L"Usage: show cacheparam\n"
    L"\n"
    L"Remarks: Shows the cache parameters of the HTTP service, in bytes.\n"
    L"\n"
    L"Examples:\n"
    L"\n"
    L"        show cacheparam\n"
    L"\n";

const WCHAR usage_show_cachestate[] =
    L"\n"
    L"Usage: show cachestate [[url=]<string>]\n"
    L"\n"
    L"Parameters:\n"
    L"\n"
    L"        Tag          Value\n"
    L"        url        - Fully qualified URL to be displayed. If not\n"
    L"                     specified, display all URLs. The URL could also\n"
    L"                     be a prefix to registered URLs.\n"
    L"\n"
    L"Remarks: Lists cached URI resources and their associated properties.\n"
    L"         This command lists all resources and their associated\n"
    L"         properties that are cached in the HTTP response cache, or\n"
    L"         displays a single resource and its associated properties.\n"
    L"\n"
    L"Examples:\n"
    L"\n"
    L"        show cachestate url=http://www.contoso.com:80/myresource\n"
    L"        show cachestate\n"
    L"\n";

const WCHAR usage_show_iplisten[] =
    L"\n"
    L"Usage: show iplisten\n"
    L"\n"
    L"Remarks: Displays all the IP addresses in the IP listen list. The IP\n"
    L"         listen list is used to scope the list of addresses to which\n"
    L"         the HTTP service binds. \"0.0.0.0\" means any IPv4 address and\n"
    L"         \"::\" means any IPv6 address.\n"
    L"\n"
    L"Examples:\n"
    L"\n"
    L"        show iplisten\n"
    L"\n";

const WCHAR usage_show_servicestate[] =
    L"\n"
    L"Usage: show servicestate [[view=]session|requestq] [[verbose=]yes|no]\n"
    L"\n"
    L"Parameters:\n"
    L"\n"
    L"    Tag          Value\n"
    L"    view       - Whether to view a snapshot of the HTTP service state\n"
    L"                 based on the server session or on request queues.\n"
    L"    verbose    - Whether to display verbose information that also shows\n"
    L"                 property information.\n"
    L"\n"
    L"Remarks: Displays a snapshot of the HTTP service state.\n"
    L"\n"
    L"Examples:\n"
    L"\n"
    L"    show servicestate\n"
    L"    show servicestate view=\"session\"\n"
    L"    show servicestate view=\"requestq\"\n"
    L"\n";

const WCHAR usage_show_setting[] =
    L"\n"
    L"Usage: show setting\n"
    L"\n"
    L"Remarks: Shows the global settings of the HTTP service.\n"
    L"\n"
    L"Examples:\n"
    L"\n"
    L"        show setting\n"
    L"\n";

const WCHAR usage_show_sslcert[] =
    L"\n"
    L"Usage: show sslcert [ipport=<ipaddr:port> | hostnameport=<name:port> | ccs=<port> |\n"
    L"                    scopedccs=<name:port>]\n"
    L"\n"
    L"Parameters:\n"
    L"\n"
    L"        Tag              Value\n"
    L"        ipport         - IPv4 or IPv6 address and port for which the SSL\n"
    L"                         certificate bindings are displayed. If none of\n"
    L"                         ipport, hostnameport, ccs and scopedccs is\n"
    L"                         specified, all bindings are displayed.\n"
    L"        hostnameport   - Unicode hostname and port for binding.\n"
    L"        ccs            - Central Certificate Store binding.\n"
    L"        scopedccs      - Scoped Central Certificate Store binding.\n"
    L"\n"
    L"Remarks: Displays SSL server certificate bindings and corresponding\n"
    L"         client certificate policies for an IP address or hostname and\n"
    L"         a port.\n"
    L"\n"
    L"Examples:\n"
    L"\n"
    L"        show sslcert ipport=[fe80::1]:443\n"
    L"        show sslcert ipport=1.1.1.1:443\n"
    L"        show sslcert hostnameport=www.contoso.com:443\n"
    L"        show sslcert ccs=443\n"
    L"        show sslcert\n"
    L"\n";

const WCHAR usage_show_timeout[] =
    L"\n"
    L"Usage: show timeout\n"
    L"\n"
    L"Remarks: Shows the timeout values of the HTTP service, in seconds.\n"
    L"\n"
    L"Examples:\n"
    L"\n"
    L"        show timeout\n"
    L"\n";

const WCHAR usage_show_urlacl[] =
    L"\n"
    L"Usage: show urlacl [[url=]<string>]\n"
    L"\n"
    L"Parameters:\n"
    L"\n"
    L"        Tag          Value\n"
    L"        url        - Fully qualified URL to be displayed. If not\n"
    L"                     specified, display all URLs.\n"
    L"\n"
    L"Remarks: Displays discretionary access control lists (DACLs) for the\n"
    L"         specified reserved URL or all reserved URLs.\n"
    L"\n"
    L"Examples:\n"
    L"\n"
    L"        show urlacl url=http://+:80/MyUri/\n"
    L"        show urlacl url=http://www.contoso.com:80/MyUri/\n"
    L"        show urlacl\n"
    L"\n";

/* ---- update ----------------------------------------------------------------------- */

const WCHAR usage_update_sslpropertyex[] =
    L"\n"
    L"Usage: update sslpropertyex hostnameport=<name:port> | ipport=<ipaddr:port> | ccs=<port>\n"
    L"        propertyid=0 receivewindow=<bytes>\n"
    L"     | propertyid=1 maxsettingsperframe=<value> maxsettingsperminute=<value>\n"
    L"\n"
    L"Parameters:\n"
    L"\n"
    L"    Tag                 Value\n"
    L"    ipport            - IP address and port of the binding.\n"
    L"    hostnameport      - Unicode hostname and port of the binding.\n"
    L"    ccs               - Central Certificate Store binding.\n"
    L"    propertyid        - The extended property: 0 for the HTTP/2\n"
    L"                        receive window, 1 for the HTTP/2 SETTINGS\n"
    L"                        frame limits.\n"
    L"    receivewindow     - The HTTP/2 receive window size, in bytes.\n"
    L"    maxsettingsperframe - The maximum number of settings in one\n"
    L"                        SETTINGS frame.\n"
    L"    maxsettingsperminute - The maximum number of settings per minute.\n"
    L"\n"
    L"Remarks: Sets an extended property of an existing SSL server\n"
    L"         certificate binding.\n"
    L"\n"
    L"Examples:\n"
    L"\n"
    L"    update sslpropertyex ipport=1.1.1.1:443 propertyid=0 receivewindow=1048576\n"
    L"    update sslpropertyex ipport=192.168.1.100:443 propertyid=1 maxsettingsperframe=100 maxsettingsperminute=1000\n"
    L"\n";
