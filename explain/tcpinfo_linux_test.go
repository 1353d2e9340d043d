package explain

const tcpInfoAvailable = true
