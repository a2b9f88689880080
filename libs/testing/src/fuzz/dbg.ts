import { dicomTarget } from './targets';
import { parseDicomFile, assembleDicomSeries } from '@hepatoscope/imaging-io';
const { input } = dicomTarget.generate(73);
const f = parseDicomFile(input, 'x');
console.log('parsed', f.transferSyntax);
try { assembleDicomSeries([f]); } catch (e) { console.log('assemble threw', e); }
