-- make soak: a mix of requests on each wrk connection.  Most are the hello
-- page; some ask for a missing path (404), some for the file (one file
-- chunk), and some close the connection after their answer, so that
-- connections (and TLS handshakes) come and go all the time.
local n = 0
request = function()
    n = n + 1
    local path = "/"
    local headers = {}
    if n % 7 == 0 then path = "/missing/" .. n end
    if n % 97 == 0 then path = "/1m.bin" end
    if n % 13 == 0 then headers["Connection"] = "close" end
    return wrk.format("GET", path, headers)
end
