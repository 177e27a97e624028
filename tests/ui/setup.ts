// A loaded 2-core CI machine can take longer than testing-library's default 1 s for findBy*/waitFor.
import { configure } from '@testing-library/react';

configure({ asyncUtilTimeout: 5000 });
