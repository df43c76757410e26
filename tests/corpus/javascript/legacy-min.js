// a short file that is not minified
var c = require("crypto"); var h = c.createHash("sha1");
