// Print, as JSON, the statement test cases that ship with Learning Locker's xapi-validation:
// [{name, statement, valid}], `valid` being the verdict of that project's authors.
// Their tests are written for mocha; describe/it here only walk them to collect the cases.
const path = [];
const cases = [];
const walk = (name, fn) => {
  path.push(name);
  try {
    fn();
  } finally {
    path.pop();
  }
};
global.describe = walk;
global.it = walk;
const pkg = process.argv[2] || "@learninglocker/xapi-validation";
const factory = require(pkg + "/dist/tests/factory");
factory.statement((statement, valid) => {
  cases.push({ name: path.join(" / "), statement, valid });
});
process.stdout.write(JSON.stringify(cases));
