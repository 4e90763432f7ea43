// @actions/workflow-parser imports its workflow schema as JSON without an import attribute (it is made
// for bundlers); Node and jest want one. jest.config.js maps that import here.
import schema from '../../../node_modules/@actions/workflow-parser/dist/workflow-v1.0.min.json' with { type: 'json' }

export default schema
