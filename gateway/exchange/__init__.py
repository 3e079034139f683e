"""The exchange between gateways, what intake and outgoing both use: the answers we send
(acknowledgements, returns, recall notices and their answers) and the token on them, the delivery
reports and answers that come back about our sends, recalls both ways, and the edXML status codes."""
