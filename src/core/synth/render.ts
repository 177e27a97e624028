/**
 * Draws one synthetic photo: background and clutter, the person (identity) under the photo's
 * conditions (nuisance), accessories, lighting, watermark, blur and noise. Painter's order, back
 * to front. All sizes are in face units (1 = image width), turned into pixels by FacePose.
 */
import type { Rng } from '../prng.ts';
import { mix, type FaceIdentity } from './identity.ts';
import type { Nuisance } from './nuisance.ts';
import { drawClutter, drawGlasses, drawHat, drawWatermark } from './overlays.ts';
import { FacePose } from './pose.ts';
import { addNoise, applyLighting, fillGradient, gaussianBlur } from './passes.ts';
import { fill, paint, union, type Canvas, type Paint, type Shape } from './raster.ts';

/** Blur σ is specified at this size and scales with the image (same look at any resolution). */
const REFERENCE_SIZE = 112;

/**
 * Renders identity `id` under conditions `n` into `canvas` (square; its previous content is
 * overwritten). `detail` supplies the small random choices (clutter, watermark glyphs, noise);
 * `scratch` (canvas-sized) saves an allocation in the blur.
 */
export function renderFace(canvas: Canvas, id: FaceIdentity, n: Nuisance, detail: Rng, scratch?: Float64Array): void {
  const size = canvas.width;
  const head = id.head;
  const pose = new FacePose(size, n, head.rx * 1.05);
  fillGradient(canvas, n.background[0], n.background[1], n.backgroundAngle);
  drawClutter(canvas, n.clutter, detail.fork('clutter'));
  drawHairBack(canvas, pose, id);
  drawBody(canvas, pose, id, n);

  // Ears: the one turned towards the camera is drawn over the face, the other one under it.
  const earsOver: number[] = [];
  for (const side of [-1, 1]) {
    const facing = Math.cos((side * Math.PI) / 2 + n.yaw);
    if (facing > 0.2) earsOver.push(side);
    else drawEar(canvas, pose, id, n, side);
  }

  // Face: cranium plus jaw ellipses, shaded towards the light.
  const face = union(pose.headEllipse(0, head.cy, head.rx, head.ry), pose.headEllipse(0, head.jawCy, head.jawRx, head.jawRy));
  const [fx, fy] = pose.toPixel(0, head.cy);
  const shading = (0.35 * n.lightIntensity + 0.08) / (head.rx * pose.unit);
  const skinPaint: Paint = { ...paint(id.skin), shadeX: Math.cos(n.lightAngle) * shading, shadeY: Math.sin(n.lightAngle) * shading, shadeCx: fx, shadeCy: fy };
  fill(canvas, face, skinPaint);
  for (const side of earsOver) drawEar(canvas, pose, id, n, side);
  // Cheek shadow on the far side of a turned face.
  if (Math.abs(n.yaw) > 0.05) {
    const side = n.yaw > 0 ? -1 : 1;
    fill(canvas, pose.headEllipse(side * head.rx * 0.75, head.cy + 0.05, head.rx * 0.45, head.ry * 0.8), paint(id.skin, Math.min(0.35, Math.abs(n.yaw) * 0.5), 0.75), face);
  }

  if (id.mole) fill(canvas, pose.featureEllipse(id.mole.x, id.mole.y, 0, id.mole.size, id.mole.size), paint([70, 45, 35], 0.8));
  drawFacialHair(canvas, pose, id, face);
  drawNose(canvas, pose, id, n);
  drawMouth(canvas, pose, id, n);
  drawEyes(canvas, pose, id, n);
  drawBrows(canvas, pose, id, n);
  drawHairFront(canvas, pose, id, n);
  if (n.hat !== 'none') drawHat(canvas, pose, id, n);
  if (n.glasses !== 'none') drawGlasses(canvas, pose, id, n);

  applyLighting(canvas, n.lightAngle, n.lightIntensity, n.exposure);
  if (n.watermark !== 'none') drawWatermark(canvas, n.watermark, detail.fork('watermark'));
  gaussianBlur(canvas, (n.blur * size) / REFERENCE_SIZE, scratch);
  addNoise(canvas, n.noise, detail.fork('noise').nextUint32);
}

function drawHairBack(canvas: Canvas, pose: FacePose, id: FaceIdentity): void {
  const { head, hair } = id;
  const colour = paint(id.hairColor, 1, 0.85);
  if (hair.style === 'long') {
    const top = pose.headEllipse(0, head.cy - 0.01, head.rx * 1.12 + hair.volume, head.ry * 1.06 + hair.volume);
    const drape = pose.headPolygon([
      [-head.rx * 1.12 - hair.volume, head.cy],
      [head.rx * 1.12 + hair.volume, head.cy],
      [head.rx * 1.25 + hair.volume, 0.42],
      [-head.rx * 1.25 - hair.volume, 0.42],
    ]);
    fill(canvas, union(top, drape), colour);
  } else if (hair.style === 'curly') {
    const parts: Shape[] = [];
    const puff = 0.06 + hair.volume;
    for (let i = 0; i < 9; i++) {
      const t = Math.PI * (1.05 + (0.9 * i) / 8);
      parts.push(pose.headEllipse(Math.cos(t) * head.rx * 1.05, head.cy + Math.sin(t) * head.ry * 0.95, puff, puff));
    }
    fill(canvas, union(...parts), colour);
  }
}

function drawBody(canvas: Canvas, pose: FacePose, id: FaceIdentity, n: Nuisance): void {
  const { head } = id;
  const chinY = head.jawCy + head.jawRy;
  const neck = pose.headPolygon([
    [-head.jawRx * 0.55, head.jawCy],
    [head.jawRx * 0.55, head.jawCy],
    [head.jawRx * 0.62, chinY + 0.2],
    [-head.jawRx * 0.62, chinY + 0.2],
  ]);
  fill(canvas, neck, paint(id.skin, 1, 0.8));
  const shoulders = pose.headEllipse(0, chinY + 0.2, 0.45, 0.17);
  fill(canvas, shoulders, paint(n.clothing));
  // Collar: a V of skin or a darker band.
  fill(
    canvas,
    pose.headStroke([
      [-0.06, chinY + 0.05, 0.012],
      [0, chinY + 0.1, 0.014],
      [0.06, chinY + 0.05, 0.012],
    ]),
    paint(n.clothing, 1, 0.7),
  );
}

function drawEar(canvas: Canvas, pose: FacePose, id: FaceIdentity, n: Nuisance, side: number): void {
  const { ears, eyes } = id;
  const turn = (side * Math.PI) / 2 + n.yaw;
  // On the head cylinder the ear sits at ±90°: it slides inwards as the head turns.
  const x = pose.radius * Math.sin(turn) * 0.98;
  const y = eyes.y + ears.dy;
  const facing = Math.max(0, Math.cos(turn));
  const width = ears.size * (0.45 + 0.6 * facing);
  const outer = pose.headEllipse(x, y * Math.cos(n.pitch), width, ears.size);
  fill(canvas, outer, paint(id.skin, 1, 0.9));
  fill(canvas, pose.headEllipse(x + side * width * 0.15, y * Math.cos(n.pitch), width * 0.45, ears.size * 0.6), paint(id.skin, 0.5, 0.7));
}

function drawEyes(canvas: Canvas, pose: FacePose, id: FaceIdentity, n: Nuisance): void {
  const { eyes } = id;
  const lidColour = mix(id.hairColor, [30, 20, 20], 0.6);
  for (const side of [-1, 1]) {
    const u = side * eyes.spacing;
    const angle = -side * eyes.tilt;
    const ry = eyes.ry * n.eyeOpen;
    const white = pose.featureEllipse(u, eyes.y, 0.01, eyes.rx, ry, angle);
    fill(canvas, white, paint([236, 232, 226]));
    const irisR = eyes.ry * eyes.iris;
    const irisU = u + n.gaze * eyes.rx;
    fill(canvas, pose.featureEllipse(irisU, eyes.y, 0.012, irisR, irisR), paint(id.eyeColor), white);
    fill(canvas, pose.featureEllipse(irisU, eyes.y, 0.012, irisR * 0.45, irisR * 0.45), paint([15, 12, 12]), white);
    fill(canvas, pose.featureEllipse(irisU + irisR * 0.3, eyes.y - irisR * 0.3, 0.013, irisR * 0.18, irisR * 0.18), paint([255, 255, 255], 0.8), white);
    // Upper lid: a line along the top half of the almond (parametric angles π..2π).
    const lid: [number, number, number][] = [];
    for (let i = 0; i <= 6; i++) {
      const t = Math.PI * (1 + i / 6);
      const ex = eyes.rx * 1.05 * Math.cos(t);
      const ey = ry * 1.1 * Math.sin(t);
      const radius = 0.0022 + 0.0018 * Math.sin((Math.PI * i) / 6);
      lid.push([u + ex * Math.cos(angle) - ey * Math.sin(angle), eyes.y + ex * Math.sin(angle) + ey * Math.cos(angle), radius]);
    }
    fill(canvas, pose.featureStroke(lid, 0.01), paint(lidColour, 0.9));
  }
}

function drawBrows(canvas: Canvas, pose: FacePose, id: FaceIdentity, n: Nuisance): void {
  const { eyes, brows } = id;
  const colour = mix(id.hairColor, id.skin, 0.25);
  for (const side of [-1, 1]) {
    const inner = side * (eyes.spacing - brows.length * 0.45);
    const y = eyes.y - brows.gap - n.browRaise;
    const points: [number, number, number][] = [];
    for (let i = 0; i <= 4; i++) {
      const t = i / 4;
      const u = inner + side * brows.length * t;
      // A parabola for the arch, a linear slope towards the outer end.
      const v = y - brows.arch * 4 * t * (1 - t) + brows.slope * brows.length * t;
      points.push([u, v, brows.thickness * (1.1 - 0.6 * t)]);
    }
    fill(canvas, pose.featureStroke(points, 0.02), paint(colour, 0.92, 0.85));
  }
}

function drawNose(canvas: Canvas, pose: FacePose, id: FaceIdentity, n: Nuisance): void {
  const { eyes, nose } = id;
  const tipY = eyes.y + nose.length;
  // Shadow along the bridge on the side away from the light.
  const shadowSide = Math.cos(n.lightAngle) > 0 ? -1 : 1;
  fill(
    canvas,
    pose.featureStroke(
      [
        [shadowSide * 0.012, eyes.y + 0.015, 0.004],
        [shadowSide * nose.width * 0.85, tipY - 0.012, 0.006],
      ],
      0.03,
    ),
    paint(id.skin, nose.shade, 0.65),
  );
  fill(canvas, pose.featureEllipse(0, tipY - 0.006, 0.05, nose.width * 0.75, nose.width * 0.5), paint(id.skin, 0.45, 1.1));
  for (const side of [-1, 1]) {
    fill(canvas, pose.featureEllipse(side * nose.width * 0.5, tipY + 0.004, 0.035, nose.width * 0.3, nose.width * 0.17, side * 0.3), paint(id.skin, 0.85, 0.4));
  }
  fill(
    canvas,
    pose.featureStroke(
      [
        [-nose.width * 0.9, tipY + 0.012, 0.002],
        [0, tipY + 0.015, 0.003],
        [nose.width * 0.9, tipY + 0.012, 0.002],
      ],
      0.03,
    ),
    paint(id.skin, 0.3, 0.6),
  );
}

function drawMouth(canvas: Canvas, pose: FacePose, id: FaceIdentity, n: Nuisance): void {
  const { mouth } = id;
  const width = mouth.width * (1 + 0.15 * n.smile);
  const cornerY = mouth.y - n.smile * 0.014;
  const lip = mouth.lip;
  const open = n.mouthOpen * 0.018;
  const depth = 0.02;
  if (open > 0) {
    const gap = pose.featureEllipse(0, mouth.y + open * 0.5, depth, width * 0.8, open + 0.003);
    fill(canvas, gap, paint([55, 18, 22]));
    fill(canvas, pose.featureEllipse(0, mouth.y - open * 0.2, depth, width * 0.7, open * 0.6), paint([235, 230, 220], 0.9), gap);
  }
  const lipPaint = paint(mouth.color, 0.9);
  fill(
    canvas,
    pose.featureStroke(
      [
        [-width, cornerY, lip * 0.3],
        [-width * 0.4, mouth.y - lip * 1.1, lip * 0.8],
        [0, mouth.y - lip * 0.7, lip * 0.7],
        [width * 0.4, mouth.y - lip * 1.1, lip * 0.8],
        [width, cornerY, lip * 0.3],
      ],
      depth,
    ),
    lipPaint,
  );
  const lowY = mouth.y + lip * 1.3 + open;
  fill(
    canvas,
    pose.featureStroke(
      [
        [-width, cornerY, lip * 0.3],
        [-width * 0.45, lowY - lip * 0.2, lip * 1.0],
        [0, lowY, lip * 1.2],
        [width * 0.45, lowY - lip * 0.2, lip * 1.0],
        [width, cornerY, lip * 0.3],
      ],
      depth,
    ),
    paint(mouth.color, 0.9, 1.08),
  );
  fill(
    canvas,
    pose.featureStroke(
      [
        [-width, cornerY, 0.003],
        [0, mouth.y + n.smile * 0.004 + open * 0.2, 0.0038],
        [width, cornerY, 0.003],
      ],
      depth,
    ),
    paint(mouth.color, 0.95, 0.4),
  );
}

function drawFacialHair(canvas: Canvas, pose: FacePose, id: FaceIdentity, face: Shape): void {
  const { mouth, nose, eyes } = id;
  if (id.facialHair === 'none') return;
  if (id.facialHair === 'moustache') {
    const y = mouth.y - mouth.lip - 0.012;
    const w = mouth.width * 1.1;
    fill(
      canvas,
      pose.featureStroke(
        [
          [-w, y + 0.008, 0.004],
          [-w * 0.4, y, 0.008],
          [0, y - 0.002, 0.007],
          [w * 0.4, y, 0.008],
          [w, y + 0.008, 0.004],
        ],
        0.03,
      ),
      paint(id.hairColor, 0.95),
    );
    return;
  }
  // Beard and stubble cover the face below the nose.
  const top = pose.place(0, eyes.y + nose.length + 0.02).y;
  const region = pose.headPolygon([
    [-0.5, top],
    [0.5, top],
    [0.5, 0.6],
    [-0.5, 0.6],
  ]);
  const alpha = id.facialHair === 'beard' ? 0.9 : 0.3;
  fill(canvas, face, paint(id.hairColor, alpha, 0.9), region);
}

function drawHairFront(canvas: Canvas, pose: FacePose, id: FaceIdentity, n: Nuisance): void {
  const { head, hair, eyes, brows } = id;
  const hairY = hair.style === 'fringe' ? eyes.y - brows.gap - 0.03 : head.cy - head.ry * hair.hairline;
  const sideY = eyes.y - 0.01;
  // Hair covers the scalp above the hairline and a band at the temples down to eye level.
  const allowed = union(
    pose.headPolygon([
      [-1, -1],
      [1, -1],
      [1, hairY],
      [-1, hairY],
    ]),
    pose.headPolygon([
      [-1, -1],
      [-head.rx * 0.86, -1],
      [-head.rx * 0.86, sideY],
      [-1, sideY],
    ]),
    pose.headPolygon([
      [head.rx * 0.86, -1],
      [1, -1],
      [1, sideY],
      [head.rx * 0.86, sideY],
    ]),
  );
  const grow = hair.style === 'shaved' ? 0.005 : 0.015 + hair.volume * (hair.style === 'curly' ? 1 : 0.5);
  const cap = pose.headEllipse(0, head.cy - grow * 0.6, head.rx + grow, head.ry + grow);
  const light = (0.2 * n.lightIntensity + 0.1) / (head.rx * pose.unit);
  const [cx, cy] = pose.toPixel(0, head.cy - head.ry);
  const hairPaint: Paint = {
    ...paint(id.hairColor, hair.style === 'shaved' ? 0.35 : 1),
    shadeX: Math.cos(n.lightAngle) * light,
    shadeY: Math.sin(n.lightAngle) * light,
    shadeCx: cx,
    shadeCy: cy,
  };
  fill(canvas, cap, hairPaint, allowed);
  if (hair.style === 'sidePart') {
    const sweep = pose.headEllipse(-hair.side * head.rx * 0.42, hairY + 0.005, head.rx * 0.62, 0.045, hair.side * 0.35);
    fill(canvas, sweep, hairPaint, cap);
  } else if (hair.style === 'long') {
    for (const side of [-1, 1]) {
      const x = side * head.rx * 0.92;
      fill(
        canvas,
        pose.headStroke([
          [x, hairY, 0.03],
          [x + side * 0.01, eyes.y + 0.08, 0.028],
          [x + side * 0.03, eyes.y + 0.2, 0.022],
        ]),
        hairPaint,
      );
    }
  } else if (hair.style === 'curly') {
    const curls: Shape[] = [];
    for (let i = 0; i < 7; i++) {
      const x = head.rx * (-0.8 + (1.6 * i) / 6);
      curls.push(pose.headEllipse(x, hairY + 0.005, 0.03, 0.03));
    }
    fill(canvas, union(...curls), hairPaint);
  }
}
